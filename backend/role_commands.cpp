#include "backend/role_commands.h"

#include <filesystem>
#include <functional>
#include <variant>
#include <vector>

#include "auth/verifier.h"
#include "backend/authenticate.h"
#include "config/roles.h"
#include "ipc/process_env.h"
#include "protocol/backend_messages.h"

namespace pmemu::backend {
namespace {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;
namespace sql = protocol::sql;


PgError notice(std::string message) {
  return PgError::error(sqlstate::kSuccessfulCompletion, std::move(message)).as(protocol::Severity::kNotice);
}

PgError undefined_role(std::string_view name) {
  return PgError::error(sqlstate::kUndefinedObject, "role \"" + std::string(name) + "\" does not exist");
}

// What PASSWORD asked for: the verifier to store ("" for NULL or ''), hashed
// as this session's password_encryption says.
std::variant<std::string, PgError> verifier_for(std::string_view role, const std::optional<std::string>& password,
                                                std::vector<PgError>* notices) {
  if (!password) return std::string();
  if (password->empty()) {
    notices->push_back(notice("empty string is not a valid password, clearing password"));
    return std::string();
  }
  auto v = auth::encrypt_password(ipc::env().config.get_enum("password_encryption"), role, *password);
  if (!v) return PgError::error(sqlstate::kInternalError, "could not generate random salt");
  return std::move(*v);
}

// The statement's attributes, with the verifier PASSWORD gave (if any).
std::variant<config::RoleAttributes, PgError> attributes_for(std::string_view role, const sql::RoleSpec& spec,
                                                             std::vector<PgError>* notices) {
  config::RoleAttributes a{spec.superuser, spec.login, spec.replication, std::nullopt};
  if (spec.password) {
    auto v = verifier_for(role, *spec.password, notices);
    if (auto* err = std::get_if<PgError>(&v)) return std::move(*err);
    a.verifier = std::get<std::string>(v);
  }
  return a;
}

bool session_is_superuser(const config::RoleCatalog& cat) {
  const config::Role* me = cat.find(session_user());
  return me && me->superuser;
}

// Runs `change` on the role file under its lock; the file is rewritten
// only when `change` returns nullopt.
std::optional<PgError> change_roles(const std::function<std::optional<PgError>(config::RoleCatalog&)>& change) {
  std::optional<PgError> refused;
  const auto path = std::filesystem::path(ipc::env().data_dir) / config::kRolesFile;
  std::string err = config::RoleCatalog::update(path, [&](config::RoleCatalog& cat) -> std::string {
    refused = change(cat);
    return refused ? refused->message : std::string();
  });
  if (refused) return refused;
  if (!err.empty()) return PgError::error(sqlstate::kInternalError, err);
  return std::nullopt;
}

// A catalogue refusal other than the ones checked before (a tab in a name).
std::optional<PgError> catalogue_error(const std::string& err) {
  if (err.empty()) return std::nullopt;
  return PgError::error(sqlstate::kInvalidName, err);
}

std::optional<PgError> finish(protocol::Buffer& out, std::optional<PgError> err, const std::vector<PgError>& notices,
                              std::string_view tag) {
  if (err) return err;
  for (const auto& n : notices) protocol::notice_response(out, n);
  protocol::command_complete(out, tag);
  return std::nullopt;
}

// PostgreSQL 15's AlterRole checks for a session without SUPERUSER: it may
// change only its own password.
std::optional<PgError> alter_permission(const config::Role& target, const sql::RoleSpec& spec) {
  auto denied = [](std::string m) { return PgError::error(sqlstate::kInsufficientPrivilege, std::move(m)); };
  if (target.superuser || spec.superuser)
    return denied("must be superuser to alter superuser roles or change superuser attribute");
  if (target.replication || spec.replication)
    return denied("must be superuser to alter replication roles or change replication attribute");
  if (spec.login || !spec.password || target.name != session_user()) return denied("permission denied");
  return std::nullopt;
}

}  // namespace

std::optional<PgError> create_role(protocol::Buffer& out, const sql::CreateRole& s) {
  std::vector<PgError> notices;
  auto attrs = attributes_for(s.name, s.options, &notices);
  if (auto* err = std::get_if<PgError>(&attrs)) return *err;
  auto err = change_roles([&](config::RoleCatalog& cat) -> std::optional<PgError> {
    if (!session_is_superuser(cat))
      return PgError::error(sqlstate::kInsufficientPrivilege, "permission denied to create role");
    if (auto reserved = config::reserved_role_name_error(s.name); !reserved.empty())
      return PgError::error(sqlstate::kReservedName, reserved);
    if (cat.find(s.name))
      return PgError::error(sqlstate::kDuplicateObject, "role \"" + s.name + "\" already exists");
    config::Role role{s.name, false, false, false, {}};  // CREATE ROLE's defaults: NOLOGIN
    std::get<config::RoleAttributes>(attrs).apply_to(role);
    return catalogue_error(cat.add(std::move(role)));
  });
  return finish(out, std::move(err), notices, "CREATE ROLE");
}

std::optional<PgError> alter_role(protocol::Buffer& out, const sql::AlterRole& s) {
  std::vector<PgError> notices;
  auto attrs = attributes_for(s.name, s.options, &notices);
  if (auto* err = std::get_if<PgError>(&attrs)) return *err;
  auto err = change_roles([&](config::RoleCatalog& cat) -> std::optional<PgError> {
    const config::Role* found = cat.find(s.name);
    if (!found) return undefined_role(s.name);
    if (!session_is_superuser(cat)) {
      if (auto denied = alter_permission(*found, s.options)) return denied;
    }
    config::Role role = *found;
    std::get<config::RoleAttributes>(attrs).apply_to(role);
    return catalogue_error(cat.replace(std::move(role)));
  });
  return finish(out, std::move(err), notices, "ALTER ROLE");
}

std::optional<PgError> drop_role(protocol::Buffer& out, const sql::DropRole& s) {
  std::vector<PgError> notices;
  auto err = change_roles([&](config::RoleCatalog& cat) -> std::optional<PgError> {
    notices.clear();
    if (!session_is_superuser(cat))
      return PgError::error(sqlstate::kInsufficientPrivilege, "permission denied to drop role");
    for (const auto& name : s.names) {
      if (!cat.find(name)) {
        if (!s.if_exists) return undefined_role(name);
        notices.push_back(notice("role \"" + name + "\" does not exist, skipping"));
        continue;
      }
      if (name == session_user()) return PgError::error(sqlstate::kObjectInUse, "current user cannot be dropped");
      if (auto e = cat.remove(name); !e.empty()) return PgError::error(sqlstate::kDependentObjectsStillExist, e);
    }
    return std::nullopt;
  });
  return finish(out, std::move(err), notices, "DROP ROLE");
}

}  // namespace pmemu::backend
