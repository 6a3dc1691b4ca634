// The role catalogue: who may log in, with which attributes and which
// password verifier. Stored in DATA_DIR/global/pg_authid, a small text file
// described in docs/roles.md. `pmctl init` creates it with the bootstrap
// superuser; `pmctl role` and the SQL role statements change it through
// update(), which serialises writers with a lock. The postmaster loads it at
// start and on reload; a backend reads it afresh when it authenticates (as
// PostgreSQL reads pg_authid), so a change counts for the next login.
// Saving replaces the file atomically (mode 0600).
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pmemu::config {

inline constexpr std::string_view kRolesFile = "global/pg_authid";

struct Role {
  std::string name;          // case-sensitive, as PostgreSQL role names are
  bool superuser = false;    // rolsuper
  bool login = true;         // rolcanlogin
  bool replication = false;  // rolreplication: may start a walsender
  std::string verifier;      // "SCRAM-SHA-256$...", "md5<hex>", or empty: no password
};

// What CREATE/ALTER ROLE (or `pmctl role create|alter`) asks for. Unset
// fields keep the role's value (ALTER) or the default (CREATE).
struct RoleAttributes {
  std::optional<bool> superuser;
  std::optional<bool> login;
  std::optional<bool> replication;
  std::optional<std::string> verifier;  // "" removes the password (PASSWORD NULL)

  void apply_to(Role& role) const;
};

// PostgreSQL reserves "public", "none" and names starting with "pg_":
// "role name "pg_x" is reserved" (the SQL statements send it as 42939), else "".
[[nodiscard]] std::string reserved_role_name_error(std::string_view name);

class RoleCatalog {
 public:
  // Parses the file's text (format 1 or 2); the error names the bad line.
  [[nodiscard]] static std::variant<RoleCatalog, std::string> parse(std::string_view text);
  [[nodiscard]] static std::variant<RoleCatalog, std::string> load(const std::filesystem::path& path);

  [[nodiscard]] const Role* find(std::string_view name) const;
  [[nodiscard]] const std::vector<Role>& roles() const { return roles_; }

  // In memory only; call save(). Empty on success, else why not: "role "x"
  // already exists" / "role "x" does not exist" (exactly these texts, the SQL
  // statements send them), an empty name, a tab or newline in a field.
  [[nodiscard]] std::string add(Role role);
  [[nodiscard]] std::string replace(Role role);  // the role of that name
  // The first role is the bootstrap superuser made by `pmctl init`; as in
  // PostgreSQL it cannot be dropped ("cannot drop role x because it is
  // required by the database system", PostgreSQL's words).
  [[nodiscard]] std::string remove(std::string_view name);

  [[nodiscard]] std::string serialize() const;  // always the newest format
  // Temp file + fsync + rename. Empty on success, else the I/O error.
  [[nodiscard]] std::string save(const std::filesystem::path& path) const;

  // Read-modify-write of the file at `path` under an exclusive flock on its
  // directory, so two writers cannot lose each other's change. `change`
  // edits the catalogue and returns "" to save it, or an error to leave the
  // file alone. Returns "" or that error (or the I/O error).
  [[nodiscard]] static std::string update(const std::filesystem::path& path,
                                          const std::function<std::string(RoleCatalog&)>& change);

 private:
  std::vector<Role> roles_;
};

}  // namespace pmemu::config
