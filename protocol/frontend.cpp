#include "protocol/frontend.h"

#include <algorithm>
#include <cctype>

#include "protocol/wire.h"

namespace pmemu::protocol {

namespace {

constexpr std::uint32_t kLargeMessageLimit = 0x3fffffff;  // PQ_LARGE_MESSAGE_LIMIT
constexpr std::uint32_t kSmallMessageLimit = 10000;       // PQ_SMALL_MESSAGE_LIMIT
constexpr std::uint32_t kMaxAuthTokenLength = 65535;      // PG_MAX_AUTH_TOKEN_LENGTH

std::uint32_t be32(std::string_view b) {
  WireReader r(b);
  return r.uint32().value_or(0);
}

PgError startup_length_error() {
  return PgError::protocol_violation("invalid length of startup packet");
}

// The body of a StartupMessage after the version word: name/value pairs and
// a final NUL. Mirrors ProcessStartupPacket's loop, including its treatment
// of a missing value as "stop here and complain about the layout".
Result<StartupMessage> parse_startup_body(std::uint32_t code, std::string_view body) {
  StartupMessage msg;
  msg.major = static_cast<std::uint16_t>(code >> 16);
  msg.minor = static_cast<std::uint16_t>(code & 0xffff);
  // Reading past the end behaves as if a NUL followed the packet, as
  // PostgreSQL's palloc(len + 1) buffer does.
  auto cstr_at = [&](std::size_t off) {
    auto nul = body.find('\0', off);
    return body.substr(off, (nul == std::string_view::npos ? body.size() : nul) - off);
  };
  std::size_t offset = 0;
  while (offset < body.size()) {
    auto name = cstr_at(offset);
    if (name.empty()) break;
    std::size_t valoffset = offset + name.size() + 1;
    if (valoffset >= body.size()) break;
    auto value = cstr_at(valoffset);
    offset = valoffset + value.size() + 1;
    if (name.starts_with("_pq_."))
      msg.unsupported_protocol_options.emplace_back(name);
    else
      msg.params.emplace_back(std::string(name), std::string(value));
  }
  if (body.empty() || offset != body.size() - 1)
    return PgError::protocol_violation(
        "invalid startup packet layout: expected terminator as last byte");
  auto user = msg.param("user");
  if (!user || user->empty())
    return PgError::fatal(sqlstate::kInvalidAuthorizationSpecification,
                          "no PostgreSQL user name specified in startup packet");
  return msg;
}

bool iprefix(std::string_view text, std::string_view word, std::size_t min_len) {
  if (text.size() < min_len || text.size() > word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
  return true;
}

}  // namespace

std::optional<std::string_view> StartupMessage::param(std::string_view name) const {
  for (auto it = params.rbegin(); it != params.rend(); ++it)
    if (it->first == name) return std::string_view(it->second);
  return std::nullopt;
}

std::string_view StartupMessage::user() const { return param("user").value_or(""); }

std::string_view StartupMessage::database() const {
  auto db = param("database");
  return db && !db->empty() ? *db : user();
}

StartupDecode decode_startup_packet(std::string_view buffered, StartupState state) {
  if (buffered.size() < 4) return {0, NeedMoreInput{}};
  std::uint32_t len = be32(buffered.substr(0, 4));
  if (len < 8 || len > kMaxStartupPacketLength) return {0, startup_length_error()};
  if (buffered.size() < len) return {0, NeedMoreInput{}};
  std::string_view packet = buffered.substr(4, len - 4);
  std::uint32_t code = be32(packet.substr(0, 4));
  std::string_view body = packet.substr(4);

  if (code == kCancelRequestCode) {
    if (len != 16) return {0, startup_length_error()};
    WireReader r(body);
    auto pid = r.int32();
    auto key = r.uint32();
    return {len, CancelRequest{Pid{*pid}, *key}};
  }
  if (code == kSslRequestCode && !state.ssl_done) return {len, SslRequest{}};
  if (code == kGssEncRequestCode && !state.gss_done) return {len, GssEncRequest{}};

  if ((code >> 16) != 3)
    return {0, PgError::fatal(sqlstate::kFeatureNotSupported,
                              "unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                                  std::to_string(code & 0xffff) +
                                  ": server supports 3.0 to 3.0")};
  auto parsed = parse_startup_body(code, body);
  if (auto* err = std::get_if<PgError>(&parsed)) return {0, std::move(*err)};
  return {len, std::move(std::get<StartupMessage>(parsed))};
}

std::optional<bool> parse_pg_bool(std::string_view text) {
  if (text.empty()) return std::nullopt;
  switch (std::tolower(static_cast<unsigned char>(text[0]))) {
    case 't': if (iprefix(text, "true", 1)) return true; break;
    case 'f': if (iprefix(text, "false", 1)) return false; break;
    case 'y': if (iprefix(text, "yes", 1)) return true; break;
    case 'n': if (iprefix(text, "no", 1)) return false; break;
    case 'o':
      // "o" alone is ambiguous between on and off.
      if (iprefix(text, "on", 2)) return true;
      if (iprefix(text, "off", 2)) return false;
      break;
    case '1': if (text.size() == 1) return true; break;
    case '0': if (text.size() == 1) return false; break;
    default: break;
  }
  return std::nullopt;
}

Result<ReplicationMode> replication_mode(const StartupMessage& startup) {
  auto value = startup.param("replication");
  if (!value) return ReplicationMode::None;
  if (*value == "database") return ReplicationMode::Logical;
  if (auto b = parse_pg_bool(*value)) return *b ? ReplicationMode::Physical : ReplicationMode::None;
  return PgError::fatal(sqlstate::kInvalidParameterValue,
                        "invalid value for parameter \"replication\": \"" + std::string(*value) + "\"")
      .with_hint("Valid values are: \"false\", 0, \"true\", 1, \"database\".");
}

// ---------------------------------------------------------------- framing

std::optional<std::uint32_t> max_message_length(char type) {
  switch (type) {
    case 'Q': case 'd': case 'P': case 'B': case 'F':
      return kLargeMessageLimit;
    case 'p':
      return kMaxAuthTokenLength;
    case 'X': case 'S': case 'H': case 'C': case 'D': case 'E': case 'c': case 'f':
      return kSmallMessageLimit;
    default:
      return std::nullopt;
  }
}

void FrameDecoder::feed(std::string_view bytes) {
  // Drop consumed bytes lazily so a burst of small messages costs one move.
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

std::variant<NeedMoreInput, FrontendMessage, PgError> FrameDecoder::next() {
  std::string_view avail = std::string_view(buf_).substr(pos_);
  if (avail.empty()) return NeedMoreInput{};
  char type = avail[0];
  auto limit = max_message_length(type);
  if (!limit)
    return PgError::protocol_violation("invalid frontend message type " +
                                       std::to_string(static_cast<int>(static_cast<unsigned char>(type))));
  if (avail.size() < 5) return NeedMoreInput{};
  std::uint32_t len = be32(avail.substr(1, 4));
  if (len < 4 || len > *limit) return PgError::protocol_violation("invalid message length");
  if (avail.size() - 1 < len) return NeedMoreInput{};
  FrontendMessage msg{type, std::string(avail.substr(5, len - 4))};
  pos_ += 1 + len;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  return msg;
}

// ---------------------------------------------------------------- bodies

namespace {

PgError invalid_format() {
  return PgError::error(sqlstate::kProtocolViolation, "invalid message format");
}

// One C string that must fill the body exactly (pq_getmsgstring + pq_getmsgend).
Result<std::string> sole_string(std::string_view body) {
  WireReader r(body);
  auto s = r.cstring();
  if (!s) return PgError::error(sqlstate::kProtocolViolation, "invalid string in message");
  if (!r.at_end()) return invalid_format();
  return std::string(*s);
}

}  // namespace

Result<FrontendCommand> parse_frontend_message(const FrontendMessage& message) {
  switch (message.type) {
    case 'Q': {
      auto sql = sole_string(message.body);
      if (auto* err = std::get_if<PgError>(&sql)) return std::move(*err);
      return Query{std::move(std::get<std::string>(sql))};
    }
    case 'X': return Terminate{};
    case 'p': return PasswordMessage{message.body};
    case 'd': return CopyData{message.body};
    case 'c': return CopyDone{};
    case 'f': {
      auto text = sole_string(message.body);
      if (auto* err = std::get_if<PgError>(&text)) return std::move(*err);
      return CopyFail{std::move(std::get<std::string>(text))};
    }
    case 'S': return Sync{};
    case 'H': return Flush{};
    case 'P': case 'B': case 'E': case 'D': case 'C': case 'F':
      return ExtendedQuery{message.type};
    default:
      return PgError::protocol_violation(
          "invalid frontend message type " +
          std::to_string(static_cast<int>(static_cast<unsigned char>(message.type))));
  }
}

Result<std::string> parse_password(std::string_view body) {
  auto nul = body.find('\0');
  if (nul == std::string_view::npos || nul + 1 != body.size())
    return PgError::protocol_violation("invalid password packet size");
  return std::string(body.substr(0, nul));
}

Result<SaslInitialResponse> parse_sasl_initial_response(std::string_view body) {
  WireReader r(body);
  auto mech = r.cstring();
  auto len = r.int32();
  if (!mech || !len) return PgError::protocol_violation("malformed SASL message");
  SaslInitialResponse out{std::string(*mech), std::nullopt};
  if (*len >= 0) {
    auto data = r.bytes(static_cast<std::size_t>(*len));
    if (!data) return PgError::protocol_violation("malformed SASL message");
    out.data = std::string(*data);
  } else if (*len != -1) {
    return PgError::protocol_violation("malformed SASL message");
  }
  if (!r.at_end()) return PgError::protocol_violation("malformed SASL message");
  return out;
}

}  // namespace pmemu::protocol
