// What a client sends: the untyped start-up packet, then typed messages.
// Parsing only; the backend owns the socket and the event loop, feeds bytes
// in, and sends whatever PgError comes back before closing (FATAL) or going
// on (ERROR). Wire layouts: docs/protocol.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/strong_id.h"
#include "protocol/pg_error.h"

namespace pmemu::protocol {

// Start-up packet codes (the Int32 after the length). Wire values: do not renumber.
inline constexpr std::uint32_t kProtocolVersion30 = 3u << 16;   // 196608
inline constexpr std::uint32_t kCancelRequestCode = 80877102;  // 1234.5678
inline constexpr std::uint32_t kSslRequestCode = 80877103;     // 1234.5679
inline constexpr std::uint32_t kGssEncRequestCode = 80877104;  // 1234.5680
// PostgreSQL's MAX_STARTUP_PACKET_LENGTH: the whole packet, length word included.
inline constexpr std::size_t kMaxStartupPacketLength = 10000;

// More bytes are needed before anything can be decided; nothing was consumed.
struct NeedMoreInput {};

struct StartupMessage {
  std::uint16_t major = 3;
  std::uint16_t minor = 0;
  // Name/value pairs in packet order. A repeated name is kept twice; param()
  // returns the last, as PostgreSQL's assignment loop leaves it.
  std::vector<std::pair<std::string, std::string>> params;
  // "_pq_.*" names the client asked for; we support none, so a non-empty list
  // (or minor > 0) means NegotiateProtocolVersion must precede authentication.
  std::vector<std::string> unsupported_protocol_options;

  [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const;
  // Always non-empty: decode_startup_packet refuses a packet without a user.
  [[nodiscard]] std::string_view user() const;
  // `database`, or the user name when absent or empty (PostgreSQL's default).
  [[nodiscard]] std::string_view database() const;
  [[nodiscard]] bool needs_protocol_negotiation() const {
    return minor > 0 || !unsupported_protocol_options.empty();
  }
};

struct CancelRequest {
  Pid pid;
  std::uint32_t key = 0;
};
struct SslRequest {};
struct GssEncRequest {};

using StartupDecodeValue =
    std::variant<NeedMoreInput, StartupMessage, CancelRequest, SslRequest, GssEncRequest, PgError>;

struct StartupDecode {
  // Bytes of the input that this packet used; 0 with NeedMoreInput. After an
  // SslRequest the client sends the next packet on the same stream, so the
  // caller drops exactly this many bytes and decodes again.
  std::size_t consumed = 0;
  StartupDecodeValue value;
};

// What the connection has already negotiated. A second SSLRequest (or
// GSSENCRequest) after we answered 'N' is not a request any more: PostgreSQL
// rejects it as "unsupported frontend protocol 1234.5679: ...", and so do we.
struct StartupState {
  bool ssl_done = false;
  bool gss_done = false;
};

// Decodes the first packet in `buffered` (PostgreSQL's ProcessStartupPacket).
// Errors are FATAL with PostgreSQL's texts: "invalid length of startup packet"
// (08P01), "unsupported frontend protocol %u.%u: server supports 3.0 to 3.0"
// (0A000), "invalid startup packet layout: expected terminator as last byte"
// (08P01), "no PostgreSQL user name specified in startup packet" (28000).
[[nodiscard]] StartupDecode decode_startup_packet(std::string_view buffered,
                                                 StartupState state = {});

enum class ReplicationMode { None, Physical, Logical };

// The `replication` start-up parameter: a PostgreSQL boolean (true/on/yes/1
// and unique prefixes, any case) -> physical, false/... -> none,
// "database" -> logical, absent -> none. Other values: FATAL 22023
// `invalid value for parameter "replication": "x"`.
[[nodiscard]] Result<ReplicationMode> replication_mode(const StartupMessage& startup);

// PostgreSQL's parse_bool: "true"/"false"/"yes"/"no" and their unique
// prefixes, "on"/"off" (at least "of"), "1"/"0"; case-insensitive.
[[nodiscard]] std::optional<bool> parse_pg_bool(std::string_view text);

// ---------------------------------------------------------------- framing

// One typed message as framed on the wire: Byte1 type, Int32 length, body.
struct FrontendMessage {
  char type = 0;
  std::string body;
};

// Largest length word accepted for a message type (PostgreSQL's
// PQ_LARGE_MESSAGE_LIMIT 1 GB - 1 for Query, CopyData, Parse, Bind, FunctionCall;
// 65535 for PasswordMessage; PQ_SMALL_MESSAGE_LIMIT 10000 for the rest);
// nullopt for a type no frontend may send.
[[nodiscard]] std::optional<std::uint32_t> max_message_length(char type);

// Splits a byte stream into messages. Feed whatever recv() returned; call
// next() until NeedMoreInput. A partial message stays buffered. After an
// error the stream is unusable (the caller sends the FATAL and closes).
class FrameDecoder {
 public:
  void feed(std::string_view bytes);
  // FATAL 08P01 "invalid frontend message type %d" or "invalid message length".
  [[nodiscard]] std::variant<NeedMoreInput, FrontendMessage, PgError> next();
  [[nodiscard]] std::size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------- bodies

struct Query { std::string sql; };
struct Terminate {};
// 'p': its meaning depends on the authentication step (password, SASL
// initial response, SASL response), so it stays raw here.
struct PasswordMessage { std::string data; };
struct CopyData { std::string data; };
struct CopyDone {};
struct CopyFail { std::string message; };
struct Sync {};
struct Flush {};
// Parse 'P', Bind 'B', Execute 'E', Describe 'D', Close 'C', FunctionCall 'F':
// answered with PgError::extended_query_not_supported(); the backend then
// skips messages until Sync, as PostgreSQL does after an extended-query error.
struct ExtendedQuery { char type = 0; };

using FrontendCommand = std::variant<Query, Terminate, PasswordMessage, CopyData, CopyDone, CopyFail,
                                     Sync, Flush, ExtendedQuery>;

// ERROR/FATAL 08P01 "invalid message format" / "invalid string in message"
// for a body that does not match its type.
[[nodiscard]] Result<FrontendCommand> parse_frontend_message(const FrontendMessage& message);

// Body of a 'p' answering AuthenticationCleartextPassword/MD5Password: one
// C string filling the message ("invalid password packet size" otherwise).
[[nodiscard]] Result<std::string> parse_password(std::string_view body);

// Body of a 'p' answering AuthenticationSASL: mechanism, Int32 length (-1: no
// data), data.
struct SaslInitialResponse {
  std::string mechanism;
  std::optional<std::string> data;
};
[[nodiscard]] Result<SaslInitialResponse> parse_sasl_initial_response(std::string_view body);

}  // namespace pmemu::protocol
