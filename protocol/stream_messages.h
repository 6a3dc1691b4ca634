// The CopyData payloads of physical streaming (SPEC 7, byte for byte as
// PostgreSQL's walsender/walreceiver): server 'w' XLogData and 'k'
// keepalive, client 'r' standby status update. Integers big-endian; times are
// microseconds since 2000-01-01 00:00:00 UTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/strong_id.h"
#include "wal/lsn.h"

namespace pmemu::protocol {

struct XLogData {
  Lsn start;
  Lsn wal_end;
  std::int64_t send_time = 0;
  std::string_view data;  // points into the parsed buffer
};

struct Keepalive {
  Lsn wal_end;
  std::int64_t send_time = 0;
  bool reply_requested = false;
};

struct StatusReply {
  Lsn write, flush, apply;
  std::int64_t send_time = 0;
  bool reply_requested = false;
};

// Microseconds since the PostgreSQL epoch, now.
[[nodiscard]] std::int64_t now_pg_micros();

// A server message, or a string saying why it is not one.
[[nodiscard]] std::variant<XLogData, Keepalive, std::string> parse_stream_message(std::string_view payload);
[[nodiscard]] std::string pack_xlog_data_header(Lsn start, Lsn wal_end, std::int64_t send_time);  // 25 bytes
// Whether the other side is asked to answer at once (the message's last byte).
using ReplyRequested = TaggedBool<struct ReplyRequestedTag>;

[[nodiscard]] std::string pack_keepalive(Lsn wal_end, std::int64_t send_time, ReplyRequested reply_requested);  // 18 bytes
[[nodiscard]] std::string pack_status_reply(Lsn write, Lsn flush, Lsn apply, std::int64_t send_time,
                                            ReplyRequested reply_requested);  // 34 bytes
[[nodiscard]] std::variant<StatusReply, std::string> parse_status_reply(std::string_view payload);

}  // namespace pmemu::protocol
