#include "config/roles.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/unique_fd.h"
#include "config/durable_file.h"

namespace pmemu::config {
namespace {

constexpr std::string_view kHeader1 = "# pmemu pg_authid 1";
constexpr std::string_view kHeader2 = "# pmemu pg_authid 2";

bool field_ok(std::string_view s) { return s.find_first_of("\t\n\r") == std::string_view::npos; }

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t t = line.find('\t', start);
    out.push_back(line.substr(start, t == std::string::npos ? std::string::npos : t - start));
    if (t == std::string::npos) return out;
    start = t + 1;
  }
}

const char* flag(bool b) { return b ? "t" : "f"; }

// One role line; format 1 has name, superuser, verifier; format 2 adds
// login and replication after superuser.
std::variant<Role, std::string> parse_line(const std::string& line, int format) {
  auto f = split_tabs(line);
  const std::size_t want = format == 1 ? 3 : 5;
  if (f.size() != want) return "expected " + std::to_string(want) + " tab-separated fields";
  for (std::size_t i = 1; i + 1 < want; ++i) {
    if (f[i] != "t" && f[i] != "f") return std::string("attribute flags must be t or f");
  }
  Role r;
  r.name = f[0];
  r.superuser = f[1] == "t";
  r.login = format == 1 || f[2] == "t";
  r.replication = format == 1 ? r.superuser : f[3] == "t";
  r.verifier = f[want - 1];
  return r;
}

}  // namespace

void RoleAttributes::apply_to(Role& role) const {
  if (superuser) role.superuser = *superuser;
  if (login) role.login = *login;
  if (replication) role.replication = *replication;
  if (verifier) role.verifier = *verifier;
}

std::string reserved_role_name_error(std::string_view name) {
  if (name.substr(0, 3) != "pg_" && name != "public" && name != "none") return {};
  return "role name \"" + std::string(name) + "\" is reserved";
}

std::variant<RoleCatalog, std::string> RoleCatalog::parse(std::string_view text) {
  RoleCatalog cat;
  std::istringstream in{std::string(text)};
  std::string line;
  int n = 0;
  int format = 0;
  while (std::getline(in, line)) {
    ++n;
    auto where = [&] { return "invalid role catalogue line " + std::to_string(n); };
    if (n == 1) {
      if (line == kHeader1) format = 1;
      else if (line == kHeader2) format = 2;
      else return "role catalogue has an unknown format (first line \"" + line + "\")";
      continue;
    }
    if (line.empty()) continue;
    auto role = parse_line(line, format);
    if (auto* err = std::get_if<std::string>(&role)) return where() + ": " + *err;
    std::string err = cat.add(std::move(std::get<Role>(role)));
    if (!err.empty()) return where() + ": " + err;
  }
  if (n == 0) return std::string("role catalogue is empty");
  return cat;
}

std::variant<RoleCatalog, std::string> RoleCatalog::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "could not open file \"" + path.string() + "\": " + std::strerror(errno);
  std::ostringstream buf;
  buf << in.rdbuf();
  auto r = parse(buf.str());
  if (auto* err = std::get_if<std::string>(&r)) *err = "file \"" + path.string() + "\": " + *err;
  return r;
}

const Role* RoleCatalog::find(std::string_view name) const {
  for (const Role& r : roles_) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::string RoleCatalog::add(Role role) {
  if (role.name.empty()) return "role name must not be empty";
  if (!field_ok(role.name) || !field_ok(role.verifier)) return "role name and password may not contain tabs or newlines";
  if (find(role.name)) return "role \"" + role.name + "\" already exists";
  roles_.push_back(std::move(role));
  return {};
}

std::string RoleCatalog::replace(Role role) {
  if (!field_ok(role.verifier)) return "password may not contain tabs or newlines";
  for (Role& r : roles_) {
    if (r.name == role.name) {
      r = std::move(role);
      return {};
    }
  }
  return "role \"" + role.name + "\" does not exist";
}

std::string RoleCatalog::remove(std::string_view name) {
  for (auto it = roles_.begin(); it != roles_.end(); ++it) {
    if (it->name == name) {
      if (it == roles_.begin())
        return "cannot drop role " + it->name + " because it is required by the database system";
      roles_.erase(it);
      return {};
    }
  }
  return "role \"" + std::string(name) + "\" does not exist";
}

std::string RoleCatalog::serialize() const {
  std::string out = std::string(kHeader2) + "\n";
  for (const Role& r : roles_) {
    out += r.name + "\t" + flag(r.superuser) + "\t" + flag(r.login) + "\t" + flag(r.replication) + "\t" +
           r.verifier + "\n";
  }
  return out;
}

std::string RoleCatalog::save(const std::filesystem::path& path) const {
  return write_file_durably(path, serialize(), 0600);
}

std::string RoleCatalog::update(const std::filesystem::path& path,
                                const std::function<std::string(RoleCatalog&)>& change) {
  const std::string dir = path.parent_path().string();
  UniqueFd lock(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock.valid()) return "could not open directory \"" + dir + "\": " + std::strerror(errno);
  while (::flock(lock.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return "could not lock directory \"" + dir + "\": " + std::strerror(errno);
  }
  auto loaded = load(path);
  if (auto* err = std::get_if<std::string>(&loaded)) return *err;
  RoleCatalog& cat = std::get<RoleCatalog>(loaded);
  if (auto err = change(cat); !err.empty()) return err;
  return cat.save(path);  // the lock goes with `lock`'s descriptor
}

}  // namespace pmemu::config
