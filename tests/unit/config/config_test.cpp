#include <doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/conf_file.h"
#include "config/config.h"
#include "tests/unit/config/temp_dir.h"

using namespace pmemu::config;
using pmemu::config::test::TempDir;

namespace {

Config load_ok(const TempDir& dir, std::vector<Override> overrides = {}) {
  LoadResult r = Config::load(dir.path(), overrides);
  for (const auto& e : r.errors) MESSAGE(e.message);
  REQUIRE(r.config);
  return *r.config;
}

std::vector<std::string> load_errors(const TempDir& dir, std::vector<Override> overrides = {}) {
  LoadResult r = Config::load(dir.path(), overrides);
  CHECK_FALSE(r.config);
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(e.message);
  return out;
}

std::vector<std::string> texts(const std::vector<ConfigMessage>& msgs) {
  std::vector<std::string> out;
  for (const auto& m : msgs) out.push_back(m.message);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("conf text: comments, quotes, escapes, no '=' and line numbers") {
  ConfFileResult r = parse_conf_text(
      "# comment\n"
      "\n"
      "port = 5433   # trailing comment\n"
      "  cluster_name 'with # hash'\n"
      "primary_conninfo = 'host=h password=''x'' user=\\'u\\''\n"
      "application_name = ''\n",
      "f.conf");
  REQUIRE(r.ok());
  REQUIRE(r.entries.size() == 4);
  CHECK(r.entries[0].name == "port");
  CHECK(r.entries[0].value == "5433");
  CHECK(r.entries[0].line == 3);
  CHECK(r.entries[1].value == "with # hash");
  CHECK(r.entries[1].line == 4);
  CHECK(r.entries[2].value == "host=h password='x' user='u'");
  CHECK(r.entries[3].value.empty());
}

TEST_CASE("conf text: syntax errors name file and line") {
  CHECK(parse_conf_text("port = 5433 5434\n", "f").error == "syntax error in file \"f\" line 1, near token \"5434\"");
  CHECK(parse_conf_text("\nport =\n", "f").error == "syntax error in file \"f\" line 2, near end of line");
  CHECK(parse_conf_text("x = 'unterminated\n", "f").error == "syntax error in file \"f\" line 1, near end of line");
  CHECK_FALSE(parse_conf_text("include 'other.conf'\n", "f").ok());
}

TEST_CASE("quote_conf_value round-trips through the parser") {
  for (std::string v : {"plain", "16MB", "", "it's", "a b", "back\\slash", "has#hash"}) {
    ConfFileResult r = parse_conf_text("x = " + quote_conf_value(v) + "\n", "f");
    REQUIRE_MESSAGE(r.ok(), r.error);
    CHECK(r.entries.at(0).value == v);
  }
}

TEST_CASE("defaults without any file settings") {
  TempDir dir;
  dir.write("postgresql.conf", "# nothing\n");
  Config c = load_ok(dir);
  CHECK(c.get_int("port") == 5432);
  CHECK(c.get_string("listen_addresses") == "localhost");
  CHECK(c.get_string("unix_socket_directories") == dir.path().string());
  CHECK(c.get_string("data_directory") == dir.path().string());
  CHECK(*c.show("kv_table_size") == "256MB");
  CHECK(*c.show("imessage_buffer_size") == "8MB");
  CHECK(*c.show("checkpoint_timeout") == "5min");
  CHECK(*c.show("wal_keep_size") == "0");
  CHECK(*c.show("wal_segment_size") == "16MB");
  CHECK(*c.show("server_version") == "15.18");
  CHECK(*c.show("data_directory_mode") == "0700");
  CHECK(c.get_enum("synchronous_commit") == "on");
  CHECK(c.source("port") == GucSource::Default);
  Settings s = c.settings();
  CHECK(s.kv_table_size_bytes == 256ull << 20);
  CHECK(s.checkpoint_timeout == std::chrono::minutes(5));
  CHECK(s.wal_receiver_status_interval == std::chrono::seconds(10));
  CHECK(s.wal_retrieve_retry_interval == std::chrono::seconds(5));
  CHECK(s.log_min_messages == pmemu::elog::Level::Warning);
  CHECK(s.synchronous_commit == SyncCommit::On);
  CHECK(s.wal_segment_size_bytes == 16ull << 20);
}

TEST_CASE("files: last one wins, auto.conf after postgresql.conf, -c after both") {
  TempDir dir;
  dir.write("postgresql.conf",
            "port = 5433\nPORT = 5434\nmax_connections = 20\ncheckpoint_timeout = '30s'\n"
            "Synchronous_Commit = remote_write\n");
  dir.write("postgresql.auto.conf", "max_connections = 30\nprimary_conninfo = 'host=a port=1'\n");
  Config c = load_ok(dir, {{"max_connections", "40"}, {"fsync", "off"}});
  CHECK(c.get_int("port") == 5434);
  CHECK(c.get_int("max_connections") == 40);
  CHECK(c.get_int("checkpoint_timeout") == 30);
  CHECK(c.get_string("primary_conninfo") == "host=a port=1");
  CHECK_FALSE(c.get_bool("fsync"));
  CHECK(c.get_enum("synchronous_commit") == "remote_write");
  CHECK(c.source("max_connections") == GucSource::CommandLine);
  CHECK(c.source("port") == GucSource::File);
}

TEST_CASE("a missing postgresql.conf stops start-up") {
  TempDir dir;
  auto errs = load_errors(dir);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].find("could not open configuration file") == 0);
}

TEST_CASE("unknown names and bad values stop start-up with the name") {
  TempDir dir;
  dir.write("postgresql.conf", "port = 5433\nfoo = 1\n");
  auto errs = load_errors(dir);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0] == "unrecognized configuration parameter \"foo\" in file \"" +
                       (dir.path() / "postgresql.conf").string() + "\" line 2");

  dir.write("postgresql.conf", "port = abc\n");
  errs = load_errors(dir);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0] == "invalid value for parameter \"port\": \"abc\"");

  dir.write("postgresql.conf", "server_version = '16'\n");
  CHECK(load_errors(dir) == std::vector<std::string>{"parameter \"server_version\" cannot be changed"});

  dir.write("postgresql.conf", "");
  CHECK(load_errors(dir, {{"bogus", "1"}}) == std::vector<std::string>{"unrecognized configuration parameter \"bogus\""});
  CHECK(load_errors(dir, {{"checkpoint_timeout", "1s"}}) ==
        std::vector<std::string>{"1 s is outside the valid range for parameter \"checkpoint_timeout\" (30 .. 86400)"});
}

TEST_CASE("an earlier bad duplicate is ignored, as PostgreSQL ignores it") {
  TempDir dir;
  dir.write("postgresql.conf", "port = abc\nport = 6000\n");
  CHECK(load_ok(dir).get_int("port") == 6000);
}

TEST_CASE("parse_override splits name=value and maps dashes") {
  auto o = parse_override("log-min-messages=debug1");
  REQUIRE(o);
  CHECK(o->name == "log_min_messages");
  CHECK(o->value == "debug1");
  CHECK(parse_override("primary_conninfo=host=a port=5")->value == "host=a port=5");
  CHECK_FALSE(parse_override("novalue"));
  CHECK_FALSE(parse_override("=x"));
}

TEST_CASE("reload applies good changes, keeps old values on errors") {
  TempDir dir;
  dir.write("postgresql.conf", "checkpoint_timeout = 5min\nport = 5433\nwal_keep_size = 64MB\n");
  Config c = load_ok(dir);

  dir.write("postgresql.conf", "checkpoint_timeout = 10min\nport = 5433\nwal_keep_size = lots\n");
  auto msgs = texts(c.reload());
  CHECK(contains(msgs, "parameter \"checkpoint_timeout\" changed to \"10min\""));
  CHECK(contains(msgs, "invalid value for parameter \"wal_keep_size\": \"lots\""));
  CHECK(contains(msgs, "configuration file \"" + (dir.path() / "postgresql.conf").string() +
                           "\" contains errors; unaffected changes were applied"));
  CHECK(c.get_int("checkpoint_timeout") == 600);
  CHECK(*c.show("wal_keep_size") == "64MB");

  dir.write("postgresql.conf", "checkpoint_timeout = 10min\nport = 6000\nwal_keep_size = 64MB\n");
  msgs = texts(c.reload());
  CHECK(contains(msgs, "parameter \"port\" cannot be changed without restarting the server"));
  CHECK(c.get_int("port") == 5433);

  // An unknown name applies nothing at all.
  dir.write("postgresql.conf", "checkpoint_timeout = 20min\nnonsense = 1\n");
  msgs = texts(c.reload());
  CHECK(contains(msgs, "configuration file \"" + (dir.path() / "postgresql.conf").string() +
                           "\" contains errors; no changes were applied"));
  CHECK(c.get_int("checkpoint_timeout") == 600);
}

TEST_CASE("reload resets a removed setting and leaves -c values alone") {
  TempDir dir;
  dir.write("postgresql.conf", "wal_sender_timeout = 5s\nfsync = off\n");
  Config c = load_ok(dir, {{"fsync", "on"}});
  CHECK(c.get_int("wal_sender_timeout") == 5000);

  dir.write("postgresql.conf", "fsync = off\n");
  auto msgs = texts(c.reload());
  CHECK(contains(msgs, "parameter \"wal_sender_timeout\" removed from configuration file, reset to default"));
  CHECK(c.get_int("wal_sender_timeout") == 60000);
  CHECK(c.get_bool("fsync"));

  msgs = texts(c.reload());  // nothing changed: nothing to say
  CHECK(msgs.empty());
}

TEST_CASE("unix_socket_directories defaults to the data directory, also after a reload") {
  TempDir dir;
  dir.write("postgresql.conf", "unix_socket_directories = '/tmp'\n");
  Config c = load_ok(dir);
  CHECK(c.get_string("unix_socket_directories") == "/tmp");
  dir.write("postgresql.conf", "");
  auto msgs = texts(c.reload());
  CHECK(contains(msgs, "parameter \"unix_socket_directories\" cannot be changed without restarting the server"));
  CHECK(c.get_string("unix_socket_directories") == "/tmp");

  TempDir other;
  other.write("postgresql.conf", "unix_socket_directories = '/tmp'\n");
  Config d = load_ok(other);
  other.write("postgresql.conf", "unix_socket_directories = '" + other.path().string() + "'\n");
  CHECK(texts(d.reload()).size() == 2);  // restart needed + contains errors
  other.write("postgresql.conf", "# back to the default\n");
  Config e = load_ok(other);
  other.write("postgresql.conf", "unix_socket_directories = '" + other.path().string() + "'\n");
  CHECK(texts(e.reload()).empty());  // same as the default: no restart needed
  other.write("postgresql.conf", "");
  CHECK(texts(e.reload()).empty());  // removed again, default equals the value
}

TEST_CASE("a session SET overlays its own copy only") {
  TempDir dir;
  dir.write("postgresql.conf", "");
  Config server = load_ok(dir);
  Config session = server;
  CHECK_FALSE(session.set_session("synchronous_commit", "off"));
  CHECK_FALSE(session.set_session("APPLICATION_NAME", "pgbench"));
  CHECK(session.get_enum("synchronous_commit") == "off");
  CHECK(*session.show("application_name") == "pgbench");
  CHECK(server.get_enum("synchronous_commit") == "on");

  auto e = session.set_session("port", "1");
  REQUIRE(e);
  CHECK(e->message == "parameter \"port\" cannot be changed without restarting the server");
  CHECK(e->sqlstate == "55P02");
  CHECK(session.set_session("fsync", "off")->message == "parameter \"fsync\" cannot be changed now");
  CHECK(session.set_session("server_version", "1")->message == "parameter \"server_version\" cannot be changed");
  CHECK(session.set_session("nope", "1")->sqlstate == "42704");
  CHECK(session.set_session("statement_timeout", "soon")->sqlstate == "22023");

  // A reload under a SET keeps the session's value; RESET uncovers the file's.
  dir.write("postgresql.conf", "synchronous_commit = local\n");
  (void)session.reload();
  CHECK(session.get_enum("synchronous_commit") == "off");
  CHECK_FALSE(session.reset_session("synchronous_commit"));
  CHECK(session.get_enum("synchronous_commit") == "local");
}

TEST_CASE("set_internal and SHOW errors") {
  Config c;
  CHECK_FALSE(c.set_internal("wal_segment_size", "67108864"));
  CHECK(*c.show("wal_segment_size") == "64MB");
  CHECK_FALSE(c.set_internal("in_hot_standby", "on"));
  CHECK(c.get_bool("in_hot_standby"));
  GucError e;
  CHECK_FALSE(c.show("nope", &e));
  CHECK(e.message == "unrecognized configuration parameter \"nope\"");
  CHECK(*c.canonical_name("datestyle") == "DateStyle");
}

TEST_CASE("SHOW ALL is sorted and complete") {
  Config c;
  auto rows = c.show_all();
  CHECK(rows.size() == guc_table().size());
  CHECK(std::is_sorted(rows.begin(), rows.end(), [](const ShowRow& a, const ShowRow& b) {
    std::string x = a.name, y = b.name;
    std::transform(x.begin(), x.end(), x.begin(), ::tolower);
    std::transform(y.begin(), y.end(), y.begin(), ::tolower);
    return x < y;
  }));
  auto it = std::find_if(rows.begin(), rows.end(), [](const ShowRow& r) { return r.name == "checkpoint_timeout"; });
  REQUIRE(it != rows.end());
  CHECK(it->setting == "5min");
  CHECK_FALSE(it->description.empty());
}

TEST_CASE("write_default_conf writes a loadable file with the overrides live") {
  TempDir dir;
  CHECK(write_default_conf(dir.path() / "postgresql.conf", std::vector<Override>{{"port", "5999"},
                                                                                 {"cluster_name", "it's main"}})
            .empty());
  Config c = load_ok(dir);
  CHECK(c.get_int("port") == 5999);
  CHECK(c.get_string("cluster_name") == "it's main");
  CHECK(c.get_int("max_connections") == 100);  // commented out: default
  std::ifstream in(dir.path() / "postgresql.conf");
  std::stringstream buf;
  buf << in.rdbuf();
  CHECK(buf.str().find("#checkpoint_timeout = 5min") != std::string::npos);
  CHECK(buf.str().find("#listen_addresses = 'localhost'") != std::string::npos);

  CHECK(write_default_conf(dir.path() / "x.conf", std::vector<Override>{{"port", "x"}}) ==
        "invalid value for parameter \"port\": \"x\"");
  CHECK(write_default_conf(dir.path() / "x.conf", std::vector<Override>{{"nope", "1"}}) ==
        "unrecognized configuration parameter \"nope\"");
}
