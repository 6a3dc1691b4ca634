#include "protocol/backend_messages.h"

namespace pmemu::protocol {

namespace {

void auth_request(Buffer& out, std::int32_t code, std::string_view extra) {
  MessageWriter m(out, 'R');
  put_int32(out, code);
  put_bytes(out, extra);
  m.finish();
}

void no_body(Buffer& out, char type) {
  MessageWriter m(out, type);
  m.finish();
}

void error_fields(Buffer& out, char type, const PgError& e) {
  MessageWriter m(out, type);
  auto field = [&](char code, std::string_view value) {
    put_int8(out, static_cast<std::uint8_t>(code));
    put_cstring(out, value);
  };
  field('S', severity_name(e.severity));
  field('V', severity_name(e.severity));
  field('C', e.sqlstate);
  field('M', e.message);
  if (!e.detail.empty()) field('D', e.detail);
  if (!e.hint.empty()) field('H', e.hint);
  put_int8(out, 0);
  m.finish();
}

}  // namespace

void auth_ok(Buffer& out) { auth_request(out, 0, {}); }
void auth_cleartext_password(Buffer& out) { auth_request(out, 3, {}); }

void auth_md5_password(Buffer& out, const std::uint8_t (&salt)[4]) {
  auth_request(out, 5, std::string_view(reinterpret_cast<const char*>(salt), 4));
}

void auth_sasl(Buffer& out, const std::vector<std::string>& mechanisms) {
  MessageWriter m(out, 'R');
  put_int32(out, 10);
  for (const auto& mech : mechanisms) put_cstring(out, mech);
  put_int8(out, 0);
  m.finish();
}

void auth_sasl_continue(Buffer& out, std::string_view data) { auth_request(out, 11, data); }
void auth_sasl_final(Buffer& out, std::string_view data) { auth_request(out, 12, data); }

void parameter_status(Buffer& out, std::string_view name, std::string_view value) {
  MessageWriter m(out, 'S');
  put_cstring(out, name);
  put_cstring(out, value);
  m.finish();
}

void backend_key_data(Buffer& out, Pid pid, std::uint32_t key) {
  MessageWriter m(out, 'K');
  put_int32(out, pid.get());
  put_uint32(out, key);
  m.finish();
}

void ready_for_query(Buffer& out, TransactionStatus status) {
  MessageWriter m(out, 'Z');
  put_int8(out, static_cast<std::uint8_t>(status));
  m.finish();
}

void row_description(Buffer& out, const std::vector<Column>& columns) {
  MessageWriter m(out, 'T');
  put_int16(out, static_cast<std::int16_t>(columns.size()));
  for (const auto& c : columns) {
    put_cstring(out, c.name);
    put_uint32(out, 0);  // table OID: not a table column
    put_int16(out, 0);   // attribute number
    put_uint32(out, c.type.oid);
    put_int16(out, c.type.typlen);
    put_int32(out, -1);  // typmod
    put_int16(out, 0);   // text format
  }
  m.finish();
}

void data_row(Buffer& out, const std::vector<std::optional<std::string>>& values) {
  MessageWriter m(out, 'D');
  put_int16(out, static_cast<std::int16_t>(values.size()));
  for (const auto& v : values) {
    if (!v) {
      put_int32(out, -1);
      continue;
    }
    put_int32(out, static_cast<std::int32_t>(v->size()));
    put_bytes(out, *v);
  }
  m.finish();
}

void command_complete(Buffer& out, std::string_view tag) {
  MessageWriter m(out, 'C');
  put_cstring(out, tag);
  m.finish();
}

void empty_query_response(Buffer& out) { no_body(out, 'I'); }

void error_response(Buffer& out, const PgError& error) { error_fields(out, 'E', error); }
void notice_response(Buffer& out, const PgError& notice) { error_fields(out, 'N', notice); }

void copy_both_response(Buffer& out) {
  MessageWriter m(out, 'W');
  put_int8(out, 0);
  put_int16(out, 0);
  m.finish();
}

void copy_out_response(Buffer& out, std::int16_t columns) {
  MessageWriter m(out, 'H');
  put_int8(out, 0);
  put_int16(out, columns);
  for (std::int16_t i = 0; i < columns; ++i) put_int16(out, 0);
  m.finish();
}

void copy_data(Buffer& out, std::string_view data) {
  MessageWriter m(out, 'd');
  put_bytes(out, data);
  m.finish();
}

void copy_done(Buffer& out) { no_body(out, 'c'); }

void negotiate_protocol_version(Buffer& out, std::uint16_t newest_minor,
                                const std::vector<std::string>& unrecognised_options) {
  MessageWriter m(out, 'v');
  put_int32(out, static_cast<std::int32_t>((3u << 16) | newest_minor));
  put_int32(out, static_cast<std::int32_t>(unrecognised_options.size()));
  for (const auto& name : unrecognised_options) put_cstring(out, name);
  m.finish();
}

}  // namespace pmemu::protocol
