// pg_hba.conf: which connections may authenticate and how (PostgreSQL's
// hba.c). Lines are `TYPE DATABASE USER [ADDRESS] METHOD`; the first line
// matching a connection decides its method, and no matching line refuses it.
// The postmaster parses the file at start and on reload; a backend matches
// its connection against the copy it inherited.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <variant>
#include <vector>

namespace pmemu::config {

enum class HbaConnType { Local, Host, HostSsl, HostNoSsl, HostGssEnc, HostNoGssEnc };

enum class AuthMethod { Trust, Reject, Password, Md5, ScramSha256 };

// "trust", "reject", "password", "md5", "scram-sha-256".
[[nodiscard]] std::string_view auth_method_name(AuthMethod method);
[[nodiscard]] std::optional<AuthMethod> parse_auth_method(std::string_view name);

// A word of a DATABASE or USER list; a quoted word is never a keyword
// ("all" quoted names a role called all).
struct HbaToken {
  std::string text;
  bool quoted = false;
};

enum class HbaAddrKind { None, Any, Cidr, SameHost, SameNet };

struct HbaLine {
  int line_number = 0;
  std::string raw;  // the line as written, for "Connection matched" logs
  HbaConnType type = HbaConnType::Local;
  std::vector<HbaToken> databases;
  std::vector<HbaToken> users;
  HbaAddrKind addr_kind = HbaAddrKind::None;  // None only for local lines
  sockaddr_storage addr{};                    // Cidr: network address
  sockaddr_storage mask{};                    // Cidr: netmask, same family
  AuthMethod method = AuthMethod::Reject;
};

// Who is asking. `remote` is ignored for Unix-socket connections.
struct HbaRequest {
  bool local = false;
  sockaddr_storage remote{};
  std::string user;
  std::string database;
  bool replication = false;  // a physical walsender (replication=true)
};

struct HbaError {
  std::string message;  // e.g. invalid authentication method "ident"
  std::string context;  // line 3 of configuration file "/d/pg_hba.conf"
};

class HbaFile {
 public:
  [[nodiscard]] static std::variant<HbaFile, HbaError> parse(std::string_view text, const std::string& file_name);
  [[nodiscard]] static std::variant<HbaFile, HbaError> load(const std::filesystem::path& path);

  // The first matching line, or nullptr: "no pg_hba.conf entry".
  [[nodiscard]] const HbaLine* match(const HbaRequest& request) const;
  [[nodiscard]] const std::vector<HbaLine>& lines() const { return lines_; }

 private:
  std::vector<HbaLine> lines_;
};

// "[local]" for a Unix socket, else the numeric address ("127.0.0.1", "::1").
[[nodiscard]] std::string hba_host_string(const HbaRequest& request);

// FATAL 28000 texts, PostgreSQL 15's words (we never offer encryption):
//   no pg_hba.conf entry for host "127.0.0.1", user "u", database "d", no encryption
//   no pg_hba.conf entry for replication connection from host "[local]", user "u", no encryption
[[nodiscard]] std::string hba_no_entry_message(const HbaRequest& request);
// For a matched `reject` line:
//   pg_hba.conf rejects connection for host "...", user "...", database "...", no encryption
//   pg_hba.conf rejects replication connection for host "...", user "...", no encryption
[[nodiscard]] std::string hba_reject_message(const HbaRequest& request);

// initdb's pg_hba.conf: local, 127.0.0.1/32 and ::1/128 lines for `all` and
// for `replication`, each with `method`. Empty on success, else the error.
[[nodiscard]] std::string write_default_hba(const std::filesystem::path& path, AuthMethod method);

}  // namespace pmemu::config
