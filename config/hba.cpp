#include "config/hba.h"

#include <arpa/inet.h>
#include <cstring>
#include <fstream>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <cstddef>
#include <span>
#include <type_traits>
#include <sstream>

#include "config/durable_file.h"

namespace pmemu::config {
namespace {

struct Field {
  std::vector<HbaToken> tokens;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// PostgreSQL's next_field_expand: whitespace separates fields, commas join
// tokens into one field ("a, b" is one field), double quotes protect both and
// make a token a non-keyword, '#' outside quotes ends the line.
std::vector<Field> split_fields(std::string_view line) {
  std::vector<Field> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size() || line[i] == '#') break;
    fields.emplace_back();
    HbaToken tok;
    bool in_quotes = false;
    while (i < line.size()) {
      char c = line[i];
      if (c == '"') {
        // "" inside quotes is a literal quote
        if (in_quotes && i + 1 < line.size() && line[i + 1] == '"') { tok.text += '"'; i += 2; continue; }
        in_quotes = !in_quotes;
        tok.quoted = true;
        ++i;
        continue;
      }
      if (!in_quotes && (is_space(c) || c == '#')) break;
      if (!in_quotes && c == ',') {
        fields.back().tokens.push_back(tok);
        tok = HbaToken{};
        ++i;
        while (i < line.size() && is_space(line[i])) ++i;
        continue;
      }
      tok.text += c;
      ++i;
    }
    if (!tok.text.empty() || tok.quoted) fields.back().tokens.push_back(tok);
  }
  return fields;
}

bool is_keyword(const HbaToken& t, std::string_view word) { return !t.quoted && t.text == word; }

std::optional<HbaConnType> parse_type(std::string_view s) {
  if (s == "local") return HbaConnType::Local;
  if (s == "host") return HbaConnType::Host;
  if (s == "hostssl") return HbaConnType::HostSsl;
  if (s == "hostnossl") return HbaConnType::HostNoSsl;
  if (s == "hostgssenc") return HbaConnType::HostGssEnc;
  if (s == "hostnogssenc") return HbaConnType::HostNoGssEnc;
  return std::nullopt;
}

bool parse_ip(const std::string& text, sockaddr_storage* out) {
  *out = sockaddr_storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(out);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) { v4->sin_family = AF_INET; return true; }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) { v6->sin6_family = AF_INET6; return true; }
  return false;
}

// Raw address bytes of an AF_INET / AF_INET6 sockaddr (empty for others).
template <typename Storage, typename Byte = std::conditional_t<std::is_const_v<Storage>, const unsigned char,
                                                               unsigned char>>
std::span<Byte> addr_bytes(Storage& ss) {
  if (ss.ss_family == AF_INET) return {reinterpret_cast<Byte*>(&ss) + offsetof(sockaddr_in, sin_addr), 4};
  if (ss.ss_family == AF_INET6) return {reinterpret_cast<Byte*>(&ss) + offsetof(sockaddr_in6, sin6_addr), 16};
  return {};
}

bool mask_from_prefix(sa_family_t family, long bits, sockaddr_storage* mask) {
  *mask = sockaddr_storage{};
  mask->ss_family = family;
  auto bytes = addr_bytes(*mask);
  if (bits < 0 || bits > static_cast<long>(bytes.size() * 8)) return false;
  for (long i = 0; i < bits; ++i) bytes[i / 8] = static_cast<unsigned char>(bytes[i / 8] | (0x80u >> (i % 8)));
  return true;
}

bool in_range(const sockaddr_storage& who, const sockaddr_storage& net, const sockaddr_storage& mask) {
  if (who.ss_family != net.ss_family || net.ss_family != mask.ss_family) return false;
  auto a = addr_bytes(who), n = addr_bytes(net), m = addr_bytes(mask);
  if (a.empty()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] & m[i]) != (n[i] & m[i])) return false;
  }
  return true;
}

bool same_host_or_net(const sockaddr_storage& who, bool net) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* ifa = list; ifa && !found; ifa = ifa->ifa_next) {
    if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != who.ss_family) continue;
    sockaddr_storage addr{}, mask{};
    std::size_t len = who.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    std::memcpy(&addr, ifa->ifa_addr, len);
    if (net && ifa->ifa_netmask) {
      std::memcpy(&mask, ifa->ifa_netmask, len);
      mask.ss_family = who.ss_family;
    } else {
      (void)mask_from_prefix(who.ss_family, who.ss_family == AF_INET ? 32 : 128, &mask);
    }
    found = in_range(who, addr, mask);
  }
  freeifaddrs(list);
  return found;
}

struct LineParse {
  std::optional<HbaLine> line;
  std::string error;
};

LineParse fail(std::string msg) { return LineParse{std::nullopt, std::move(msg)}; }

std::string first_text(const Field& f) { return f.tokens.empty() ? std::string() : f.tokens.front().text; }

// Fills addr/mask from fields[k] (and fields[k+1] for "addr mask" form);
// returns the index of the field after the address, or an error.
std::variant<std::size_t, std::string> parse_address(const std::vector<Field>& fields, std::size_t k, HbaLine* out) {
  if (k >= fields.size()) return std::string("end-of-line before IP address specification");
  if (fields[k].tokens.size() != 1) return std::string("multiple values specified for host address");
  const HbaToken& tok = fields[k].tokens.front();
  if (is_keyword(tok, "all")) { out->addr_kind = HbaAddrKind::Any; return k + 1; }
  if (is_keyword(tok, "samehost")) { out->addr_kind = HbaAddrKind::SameHost; return k + 1; }
  if (is_keyword(tok, "samenet")) { out->addr_kind = HbaAddrKind::SameNet; return k + 1; }
  std::string text = tok.text;
  std::size_t slash = text.find('/');
  std::string host = text.substr(0, slash);
  if (!parse_ip(host, &out->addr))
    return "invalid IP address \"" + host + "\": host names are not supported, use an IP address or CIDR range";
  out->addr_kind = HbaAddrKind::Cidr;
  if (slash != std::string::npos) {
    std::string bits = text.substr(slash + 1);
    char* end = nullptr;
    long n = std::strtol(bits.c_str(), &end, 10);
    if (bits.empty() || *end != '\0' || !mask_from_prefix(out->addr.ss_family, n, &out->mask))
      return "invalid CIDR mask in address \"" + text + "\"";
    return k + 1;
  }
  if (k + 1 >= fields.size()) return std::string("end-of-line before netmask specification");
  if (fields[k + 1].tokens.size() != 1) return std::string("multiple values specified for netmask");
  std::string m = first_text(fields[k + 1]);
  if (!parse_ip(m, &out->mask)) return "invalid IP mask \"" + m + "\"";
  if (out->mask.ss_family != out->addr.ss_family)
    return std::string("IP address and mask do not match");
  return k + 2;
}

LineParse parse_line(const std::vector<Field>& fields) {
  HbaLine line;
  if (fields[0].tokens.size() > 1) return fail("multiple values specified for connection type");
  auto type = parse_type(first_text(fields[0]));
  if (!type) return fail("invalid connection type \"" + first_text(fields[0]) + "\"");
  line.type = *type;
  if (fields.size() < 2) return fail("end-of-line before database specification");
  line.databases = fields[1].tokens;
  if (fields.size() < 3) return fail("end-of-line before role specification");
  line.users = fields[2].tokens;
  for (const auto* list : {&line.databases, &line.users}) {
    for (const HbaToken& t : *list) {
      if (t.quoted) continue;
      if (t.text.starts_with('@')) return fail("file inclusion (\"" + t.text + "\") is not supported");
      if (t.text.starts_with('+')) return fail("group membership (\"" + t.text + "\") is not supported");
      if (t.text == "samerole" || t.text == "samegroup") return fail("\"" + t.text + "\" is not supported");
    }
  }
  std::size_t k = 3;
  if (line.type != HbaConnType::Local) {
    auto r = parse_address(fields, k, &line);
    if (auto* err = std::get_if<std::string>(&r)) return fail(*err);
    k = std::get<std::size_t>(r);
  }
  if (k >= fields.size()) return fail("end-of-line before authentication method");
  // A comma list is one field of several tokens ("trust,reject"): taking
  // its first word would quietly pick a method the line does not say.
  if (fields[k].tokens.size() > 1) return fail("multiple values specified for authentication type");
  std::string method = first_text(fields[k]);
  auto m = parse_auth_method(method);
  if (!m) {
    for (std::string_view known : {"ident", "peer", "gss", "sspi", "pam", "bsd", "ldap", "cert", "radius"}) {
      if (method == known) return fail("authentication method \"" + method + "\" is not supported");
    }
    return fail("invalid authentication method \"" + method + "\"");
  }
  line.method = *m;
  if (k + 1 < fields.size())
    return fail("authentication option \"" + first_text(fields[k + 1]) + "\" is not supported");
  return LineParse{line, {}};
}

bool match_database(const HbaLine& line, const HbaRequest& req) {
  for (const HbaToken& t : line.databases) {
    // A physical replication connection matches only the "replication" keyword.
    if (req.replication) {
      if (is_keyword(t, "replication")) return true;
      continue;
    }
    if (is_keyword(t, "all")) return true;
    if (is_keyword(t, "sameuser")) {
      if (req.database == req.user) return true;
      continue;
    }
    if (is_keyword(t, "replication")) continue;
    if (t.text == req.database) return true;
  }
  return false;
}

bool match_user(const HbaLine& line, const HbaRequest& req) {
  for (const HbaToken& t : line.users) {
    if (is_keyword(t, "all") || t.text == req.user) return true;
  }
  return false;
}

bool match_connection(const HbaLine& line, const HbaRequest& req) {
  switch (line.type) {
    case HbaConnType::Local: return req.local;
    case HbaConnType::Host:
    case HbaConnType::HostNoSsl:
    case HbaConnType::HostNoGssEnc: break;
    case HbaConnType::HostSsl:     // we never offer SSL
    case HbaConnType::HostGssEnc:  // nor GSSAPI encryption
      return false;
  }
  if (req.local) return false;
  switch (line.addr_kind) {
    case HbaAddrKind::Any: return true;
    case HbaAddrKind::Cidr: return in_range(req.remote, line.addr, line.mask);
    case HbaAddrKind::SameHost: return same_host_or_net(req.remote, false);
    case HbaAddrKind::SameNet: return same_host_or_net(req.remote, true);
    case HbaAddrKind::None: break;
  }
  return false;
}

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string describe(const HbaRequest& req, std::string_view replication_from) {
  if (req.replication)
    return std::string(replication_from) + "host " + q(hba_host_string(req)) + ", user " + q(req.user) +
           ", no encryption";
  return "host " + q(hba_host_string(req)) + ", user " + q(req.user) + ", database " + q(req.database) +
         ", no encryption";
}

}  // namespace

std::string_view auth_method_name(AuthMethod method) {
  switch (method) {
    case AuthMethod::Trust: return "trust";
    case AuthMethod::Reject: return "reject";
    case AuthMethod::Password: return "password";
    case AuthMethod::Md5: return "md5";
    case AuthMethod::ScramSha256: return "scram-sha-256";
  }
  return "reject";
}

std::optional<AuthMethod> parse_auth_method(std::string_view name) {
  for (AuthMethod m : {AuthMethod::Trust, AuthMethod::Reject, AuthMethod::Password, AuthMethod::Md5,
                       AuthMethod::ScramSha256}) {
    if (auth_method_name(m) == name) return m;
  }
  return std::nullopt;
}

std::variant<HbaFile, HbaError> HbaFile::parse(std::string_view text, const std::string& file_name) {
  HbaFile file;
  std::istringstream in{std::string(text)};
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    auto fields = split_fields(raw);
    if (fields.empty()) continue;
    LineParse p = parse_line(fields);
    if (!p.line)
      return HbaError{p.error, "line " + std::to_string(line_no) + " of configuration file " + q(file_name)};
    p.line->line_number = line_no;
    p.line->raw = raw;
    file.lines_.push_back(std::move(*p.line));
  }
  return file;
}

std::variant<HbaFile, HbaError> HbaFile::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return HbaError{"could not open configuration file " + q(path.string()) + ": " + std::strerror(errno), {}};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path.string());
}

const HbaLine* HbaFile::match(const HbaRequest& request) const {
  for (const HbaLine& line : lines_) {
    if (match_connection(line, request) && match_database(line, request) && match_user(line, request)) return &line;
  }
  return nullptr;
}

std::string hba_host_string(const HbaRequest& request) {
  if (request.local) return "[local]";
  char host[NI_MAXHOST] = "";
  socklen_t len = request.remote.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&request.remote), len, host, sizeof host, nullptr, 0,
                  NI_NUMERICHOST) != 0)
    return "???";
  return host;
}

std::string hba_no_entry_message(const HbaRequest& request) {
  return "no pg_hba.conf entry for " + describe(request, "replication connection from ");
}

std::string hba_reject_message(const HbaRequest& request) {
  return "pg_hba.conf rejects " + std::string(request.replication ? "replication connection for " : "connection for ") +
         describe(request, "");
}

std::string write_default_hba(const std::filesystem::path& path, AuthMethod method) {
  std::string m(auth_method_name(method));
  std::string text =
      "# pmemu client authentication configuration file, written by pmctl init.\n"
      "#\n"
      "# TYPE is local (Unix socket) or host (TCP); DATABASE is all, replication\n"
      "# (physical replication connections match only this), sameuser or a list;\n"
      "# METHOD is trust, reject, password, md5 or scram-sha-256. The first\n"
      "# matching line decides.\n\n"
      "# TYPE  DATABASE        USER            ADDRESS                 METHOD\n\n"
      "# \"local\" is for Unix domain socket connections only\n"
      "local   all             all                                     " + m + "\n"
      "# IPv4 local connections:\n"
      "host    all             all             127.0.0.1/32            " + m + "\n"
      "# IPv6 local connections:\n"
      "host    all             all             ::1/128                 " + m + "\n"
      "# Allow replication connections from localhost, by a user with the\n"
      "# replication privilege.\n"
      "local   replication     all                                     " + m + "\n"
      "host    replication     all             127.0.0.1/32            " + m + "\n"
      "host    replication     all             ::1/128                 " + m + "\n";
  return write_file_durably(path, text, 0600);
}

}  // namespace pmemu::config
