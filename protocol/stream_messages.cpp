#include "protocol/stream_messages.h"

#include <chrono>

#include "protocol/wire.h"

namespace pmemu::protocol {
namespace {
constexpr std::int64_t kPgEpochOffsetSeconds = 946684800;  // 2000-01-01 in Unix time
}

std::int64_t now_pg_micros() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return us - kPgEpochOffsetSeconds * 1000000;
}

std::variant<XLogData, Keepalive, std::string> parse_stream_message(std::string_view payload) {
  if (payload.empty()) return std::string("empty streaming message");
  WireReader r(payload.substr(1));
  switch (payload[0]) {
    case 'w': {
      auto start = r.uint64(), end = r.uint64();
      auto t = r.int64();
      if (!start || !end || !t) return std::string("truncated XLogData message");
      return XLogData{Lsn{*start}, Lsn{*end}, *t, r.rest()};
    }
    case 'k': {
      if (payload.size() != 18) return std::string("invalid keepalive message length");
      auto end = r.uint64();
      auto t = r.int64();
      auto req = r.int8();
      return Keepalive{Lsn{*end}, *t, *req != 0};
    }
    default:
      return std::string("unexpected streaming message type \"") + payload[0] + "\"";
  }
}

std::string pack_xlog_data_header(Lsn start, Lsn wal_end, std::int64_t send_time) {
  Buffer b;
  put_int8(b, 'w');
  put_uint64(b, start.get());
  put_uint64(b, wal_end.get());
  put_int64(b, send_time);
  return b;
}

std::string pack_keepalive(Lsn wal_end, std::int64_t send_time, ReplyRequested reply_requested) {
  Buffer b;
  put_int8(b, 'k');
  put_uint64(b, wal_end.get());
  put_int64(b, send_time);
  put_int8(b, reply_requested ? 1 : 0);
  return b;
}

std::string pack_status_reply(Lsn write, Lsn flush, Lsn apply, std::int64_t send_time,
                              ReplyRequested reply_requested) {
  Buffer b;
  put_int8(b, 'r');
  put_uint64(b, write.get());
  put_uint64(b, flush.get());
  put_uint64(b, apply.get());
  put_int64(b, send_time);
  put_int8(b, reply_requested ? 1 : 0);
  return b;
}

std::variant<StatusReply, std::string> parse_status_reply(std::string_view payload) {
  if (payload.size() != 34 || payload[0] != 'r') return std::string("invalid standby status update");
  WireReader r(payload.substr(1));
  StatusReply s;
  s.write = Lsn{*r.uint64()};
  s.flush = Lsn{*r.uint64()};
  s.apply = Lsn{*r.uint64()};
  s.send_time = *r.int64();
  s.reply_requested = *r.int8() != 0;
  return s;
}

}  // namespace pmemu::protocol
