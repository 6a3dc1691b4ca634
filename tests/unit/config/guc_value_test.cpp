#include <doctest.h>

#include "config/guc_table.h"
#include "config/guc_value.h"

using namespace pmemu::config;

namespace {

const GucDef& def(std::string_view name) { return guc_table()[*find_guc(name)]; }

std::int64_t int_of(std::string_view name, std::string_view text) {
  ParsedValue p = parse_value(def(name), text);
  REQUIRE_MESSAGE(p.ok(), p.error.message);
  return std::get<std::int64_t>(*p.value);
}

GucError error_of(std::string_view name, std::string_view text) {
  ParsedValue p = parse_value(def(name), text);
  REQUIRE_FALSE(p.ok());
  return p.error;
}

std::string show(std::string_view name, std::string_view text) {
  ParsedValue p = parse_value(def(name), text);
  REQUIRE_MESSAGE(p.ok(), p.error.message);
  return format_value(def(name), *p.value);
}

}  // namespace

TEST_CASE("every default in the table parses and is in range") {
  for (const GucDef& d : guc_table()) {
    ParsedValue p = parse_value(d, d.boot_value);
    CHECK_MESSAGE(p.ok(), d.name, ": ", p.error.message);
  }
}

TEST_CASE("names are found case-insensitively") {
  REQUIRE(find_guc("datestyle"));
  CHECK(guc_table()[*find_guc("DATESTYLE")].name == "DateStyle");
  CHECK_FALSE(find_guc("no_such_setting"));
}

TEST_CASE("bool words as PostgreSQL accepts them") {
  for (auto t : {"on", "ON", "true", "TRUE", "t", "tr", "yes", "y", "1"}) CHECK_MESSAGE(parse_bool(t) == true, t);
  for (auto f : {"off", "OFF", "of", "false", "f", "no", "n", "0"}) CHECK_MESSAGE(parse_bool(f) == false, f);
  for (auto bad : {"", "o", "onn", "offf", "truex", "2", "10", "maybe"}) CHECK_MESSAGE(!parse_bool(bad), bad);
  CHECK(error_of("fsync", "maybe").message == "parameter \"fsync\" requires a Boolean value");
}

TEST_CASE("integers with memory units convert to the base unit") {
  CHECK(int_of("kv_table_size", "256MB") == 262144);  // kB
  CHECK(int_of("kv_table_size", "1GB") == 1048576);
  CHECK(int_of("kv_table_size", "2048") == 2048);     // bare number: kB
  CHECK(int_of("kv_table_size", "2048 kB") == 2048);  // space before the unit
  CHECK(int_of("wal_keep_size", "1GB") == 1024);       // MB
  CHECK(int_of("wal_keep_size", "0") == 0);
  CHECK(int_of("wal_segment_size", "16MB") == 16 * 1024 * 1024);  // bytes
  CHECK(int_of("kv_table_size", "1.5MB") == 1536);
}

TEST_CASE("integers with time units convert to the base unit") {
  CHECK(int_of("checkpoint_timeout", "5min") == 300);  // s
  CHECK(int_of("checkpoint_timeout", "1h") == 3600);
  CHECK(int_of("checkpoint_timeout", "1d") == 86400);
  CHECK(int_of("checkpoint_timeout", "90") == 90);
  CHECK(int_of("wal_sender_timeout", "60s") == 60000);  // ms
  CHECK(int_of("wal_sender_timeout", "1500us") == 2);  // rounded
  CHECK(int_of("statement_timeout", "0") == 0);
  CHECK(int_of("extra_float_digits", "-15") == -15);
}

TEST_CASE("octal and hex like strtol base 0") {
  CHECK(int_of("unix_socket_permissions", "0700") == 0700);
  CHECK(int_of("port", "0x10") == 16);
}

TEST_CASE("bad units carry PostgreSQL's hint") {
  GucError e = error_of("kv_table_size", "10XB");
  CHECK(e.message == "invalid value for parameter \"kv_table_size\": \"10XB\"");
  CHECK(e.hint == "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".");
  CHECK(e.sqlstate == "22023");
  e = error_of("checkpoint_timeout", "5 minutes");
  CHECK(e.hint == "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".");
  CHECK(error_of("kv_table_size", "10mb").hint.size() > 0);  // units are case-sensitive
  e = error_of("port", "abc");
  CHECK(e.message == "invalid value for parameter \"port\": \"abc\"");
  CHECK(e.hint.empty());
  CHECK(error_of("port", "5432kB").hint.empty());  // unit-less settings take no unit
}

TEST_CASE("range errors name the limits in the base unit") {
  CHECK(error_of("checkpoint_timeout", "10s").message ==
        "10 s is outside the valid range for parameter \"checkpoint_timeout\" (30 .. 86400)");
  CHECK(error_of("port", "70000").message ==
        "70000 is outside the valid range for parameter \"port\" (1 .. 65535)");
  CHECK(error_of("max_connections", "0").message ==
        "0 is outside the valid range for parameter \"max_connections\" (1 .. 262143)");
  CHECK(error_of("port", "99999999999").hint == "Value exceeds integer range.");
  CHECK(error_of("checkpoint_completion_target", "1.5").message ==
        "1.5 is outside the valid range for parameter \"checkpoint_completion_target\" (0 .. 1)");
}

TEST_CASE("enums are case-insensitive and list the visible values") {
  CHECK(show("synchronous_commit", "REMOTE_APPLY") == "remote_apply");
  CHECK(show("synchronous_commit", "true") == "on");  // hidden alias
  CHECK(show("log_min_messages", "DEBUG1") == "debug1");
  GucError e = error_of("synchronous_commit", "sometimes");
  CHECK(e.message == "invalid value for parameter \"synchronous_commit\": \"sometimes\"");
  CHECK(e.hint == "Available values: local, remote_write, remote_apply, on, off.");
}

TEST_CASE("SHOW picks the largest unit that divides exactly") {
  CHECK(show("wal_segment_size", "16MB") == "16MB");
  CHECK(show("wal_segment_size", "16777216") == "16MB");
  CHECK(show("kv_table_size", "256MB") == "256MB");
  CHECK(show("kv_table_size", "1536kB") == "1536kB");
  CHECK(show("kv_table_size", "1048576") == "1GB");
  CHECK(show("wal_keep_size", "0") == "0");
  CHECK(show("wal_keep_size", "2048") == "2GB");
  CHECK(show("checkpoint_timeout", "300") == "5min");
  CHECK(show("checkpoint_timeout", "90") == "90s");
  CHECK(show("wal_sender_timeout", "60000") == "1min");
  CHECK(show("authentication_timeout", "60s") == "1min");
  CHECK(show("wal_receiver_status_interval", "10") == "10s");
  CHECK(show("wal_retrieve_retry_interval", "5000") == "5s");
  CHECK(show("wal_retrieve_retry_interval", "1500") == "1500ms");
  CHECK(show("checkpoint_timeout", "1d") == "1d");
  CHECK(show("fsync", "yes") == "on");
  CHECK(show("data_directory_mode", "0700") == "0700");
  CHECK(show("server_version", "15.18") == "15.18");
  CHECK(show("checkpoint_completion_target", "0.9") == "0.9");
}

TEST_CASE("a zero byte is refused in every kind of value, with the byte shown as \\0") {
  using namespace std::string_view_literals;
  GucError e = error_of("application_name", "a\0b"sv);
  CHECK(e.message == R"(invalid value for parameter "application_name": "a\0b")");
  CHECK(e.hint == "Setting values cannot contain a zero byte.");
  CHECK(error_of("cluster_name", "\0"sv).message == R"(invalid value for parameter "cluster_name": "\0")");
  // strtol would stop at the byte and take "1" alone.
  CHECK(error_of("max_connections", "1\0junk"sv).message ==
        R"(invalid value for parameter "max_connections": "1\0junk")");
  CHECK(error_of("fsync", "on\0"sv).hint == "Setting values cannot contain a zero byte.");
}
