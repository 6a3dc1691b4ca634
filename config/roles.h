// The role catalogue: who may log in and with which password verifier.
// Stored in DATA_DIR/global/pg_authid, a small text file described in
// docs/roles.md. `pmctl init` creates it with the bootstrap superuser; the
// postmaster loads it at start and on reload, and backends look roles up in
// the copy they inherited. Saving replaces the file atomically.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pmemu::config {

inline constexpr std::string_view kRolesFile = "global/pg_authid";

struct Role {
  std::string name;      // case-sensitive, as PostgreSQL role names are
  bool superuser = false;
  std::string verifier;  // "SCRAM-SHA-256$...", "md5<hex>", or empty: no password
};

class RoleCatalog {
 public:
  // Parses the file's text; the error names the bad line.
  [[nodiscard]] static std::variant<RoleCatalog, std::string> parse(std::string_view text);
  [[nodiscard]] static std::variant<RoleCatalog, std::string> load(const std::filesystem::path& path);

  [[nodiscard]] const Role* find(std::string_view name) const;
  [[nodiscard]] const std::vector<Role>& roles() const { return roles_; }

  // In memory only; call save(). Empty on success, else why not (duplicate,
  // empty name, a tab or newline in a field).
  [[nodiscard]] std::string add(std::string name, bool superuser, std::string verifier);
  [[nodiscard]] std::string set_verifier(std::string_view name, std::string verifier);

  [[nodiscard]] std::string serialize() const;
  // Temp file + fsync + rename. Empty on success, else the I/O error.
  [[nodiscard]] std::string save(const std::filesystem::path& path) const;

 private:
  std::vector<Role> roles_;
};

}  // namespace pmemu::config
