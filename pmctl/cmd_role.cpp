// `pmctl role -D DIR create|alter|drop NAME [attributes] [--password-file F]`:
// edits global/pg_authid as CREATE/ALTER/DROP ROLE would, with the password
// stored as a verifier of the kind password_encryption names in the data
// directory's configuration. The server need not be told: a backend reads
// the catalogue afresh at each login, so the change counts for the next one.
#include <variant>

#include "auth/verifier.h"
#include "config/config.h"
#include "config/roles.h"
#include "pmctl/cluster_dir.h"
#include "pmctl/commands.h"
#include "pmctl/password_file.h"
#include "pmctl/report.h"

namespace pmemu::pmctl {
namespace {

// The verifier for the password in `file`, hashed per the cluster's
// password_encryption; or the error.
std::variant<std::string, std::string> verifier_from_file(const RoleOptions& opts) {
  using V = std::variant<std::string, std::string>;
  auto pw = read_password_file(opts.password_file);
  if (pw.index() == 1) return pw;
  auto loaded = config::Config::load(opts.data_dir, {});
  if (!loaded.config) {
    return V(std::in_place_index<1>, "could not read the configuration of \"" + opts.data_dir +
                                         "\": " + (loaded.errors.empty() ? "" : loaded.errors.front().message));
  }
  auto verifier = auth::encrypt_password(loaded.config->get_enum("password_encryption"), opts.name, std::get<0>(pw));
  if (!verifier) return V(std::in_place_index<1>, "could not generate a random salt for the password");
  return V(std::in_place_index<0>, std::move(*verifier));
}

}  // namespace

int run_role(const RoleOptions& opts) {
  if (auto err = check_cluster_dir(opts.data_dir)) return fail(*err);
  config::RoleAttributes attrs = opts.attributes;
  if (!opts.password_file.empty()) {
    if (opts.action == "drop") return fail("--password-file makes no sense with drop");
    auto v = verifier_from_file(opts);
    if (v.index() == 1) return fail(std::get<1>(v));
    attrs.verifier = std::get<0>(v);
  }
  const std::filesystem::path path = std::filesystem::path(opts.data_dir) / config::kRolesFile;
  auto err = config::RoleCatalog::update(path, [&](config::RoleCatalog& cat) -> std::string {
    if (opts.action == "drop") return cat.remove(opts.name);
    if (opts.action == "create") {
      if (auto reserved = config::reserved_role_name_error(opts.name); !reserved.empty()) return reserved;
      config::Role role{opts.name, false, true, false, {}};
      attrs.apply_to(role);
      return cat.add(std::move(role));
    }
    const config::Role* found = cat.find(opts.name);
    if (!found) return "role \"" + opts.name + "\" does not exist";
    config::Role role = *found;
    attrs.apply_to(role);
    return cat.replace(std::move(role));
  });
  if (!err.empty()) return fail(err);
  print_msg("role \"" + opts.name + "\" " + (opts.action == "drop" ? "dropped" : opts.action == "create" ? "created" : "altered") +
            "\n");
  return kExitOk;
}

}  // namespace pmemu::pmctl
