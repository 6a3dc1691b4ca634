#include "config/roles.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/durable_file.h"

namespace pmemu::config {
namespace {

constexpr std::string_view kHeader = "# pmemu pg_authid 1";

bool field_ok(std::string_view s) { return s.find_first_of("\t\n\r") == std::string_view::npos; }

}  // namespace

std::variant<RoleCatalog, std::string> RoleCatalog::parse(std::string_view text) {
  RoleCatalog cat;
  std::istringstream in{std::string(text)};
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto where = [&] { return "invalid role catalogue line " + std::to_string(n); };
    if (n == 1) {
      if (line != kHeader) return "role catalogue has an unknown format (first line \"" + line + "\")";
      continue;
    }
    if (line.empty()) continue;
    std::size_t t1 = line.find('\t');
    std::size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) return where() + ": expected 3 tab-separated fields";
    std::string flag = line.substr(t1 + 1, t2 - t1 - 1);
    if (flag != "t" && flag != "f") return where() + ": superuser flag must be t or f";
    std::string err = cat.add(line.substr(0, t1), flag == "t", line.substr(t2 + 1));
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

std::string RoleCatalog::add(std::string name, bool superuser, std::string verifier) {
  if (name.empty()) return "role name must not be empty";
  if (!field_ok(name) || !field_ok(verifier)) return "role name and password may not contain tabs or newlines";
  if (find(name)) return "role \"" + name + "\" already exists";
  roles_.push_back(Role{std::move(name), superuser, std::move(verifier)});
  return {};
}

std::string RoleCatalog::set_verifier(std::string_view name, std::string verifier) {
  if (!field_ok(verifier)) return "password may not contain tabs or newlines";
  for (Role& r : roles_) {
    if (r.name == name) { r.verifier = std::move(verifier); return {}; }
  }
  return "role \"" + std::string(name) + "\" does not exist";
}

std::string RoleCatalog::serialize() const {
  std::string out = std::string(kHeader) + "\n";
  for (const Role& r : roles_) out += r.name + "\t" + (r.superuser ? "t" : "f") + "\t" + r.verifier + "\n";
  return out;
}

std::string RoleCatalog::save(const std::filesystem::path& path) const {
  return write_file_durably(path, serialize(), 0600);
}

}  // namespace pmemu::config
