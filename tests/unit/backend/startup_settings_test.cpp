#include <doctest.h>

#include "backend/startup_settings.h"

using namespace pmemu;
using Pairs = std::vector<std::pair<std::string, std::string>>;

namespace {

Pairs options(std::string_view s) {
  auto r = backend::parse_startup_options(s);
  REQUIRE(std::holds_alternative<Pairs>(r));
  return std::get<Pairs>(r);
}

protocol::StartupMessage startup(Pairs params) {
  protocol::StartupMessage sm;
  sm.params = std::move(params);
  return sm;
}

}  // namespace

TEST_CASE("startup options: -c, -cname and --name forms, backslash keeps a blank") {
  CHECK(options("-c statement_timeout=5 --extra-float-digits=2 -cwork_mem=1MB") ==
        Pairs{{"statement_timeout", "5"}, {"extra_float_digits", "2"}, {"work_mem", "1MB"}});
  CHECK(options("  -c application_name=a\\ b  ") == Pairs{{"application_name", "a b"}});
  CHECK(options("").empty());
  for (const char* bad : {"-B 100", "-c", "-c novalue", "--=x", "plain"}) {
    auto r = backend::parse_startup_options(bad);
    REQUIRE_MESSAGE(std::holds_alternative<protocol::PgError>(r), bad);
    CHECK(std::get<protocol::PgError>(r).sqlstate == "42601");
  }
}

TEST_CASE("startup settings: applied in order, protocol parameters skipped, the first bad one reported") {
  config::Config cfg;
  auto ok = startup({{"user", "u"}, {"database", "d"}, {"replication", "false"}, {"_pq_.x", "1"},
                     {"options", "-c statement_timeout=100"}, {"application_name", "app"}, {"statement_timeout", "200"}});
  CHECK(!backend::apply_startup_settings(ok, cfg));
  CHECK(cfg.settings().application_name == "app");
  CHECK(cfg.settings().statement_timeout.count() == 200);  // parameters come after options

  config::Config fresh;
  auto unknown = backend::apply_startup_settings(startup({{"user", "u"}, {"no_such", "1"}}), fresh);
  REQUIRE(unknown);
  CHECK(unknown->sqlstate == "42704");
  CHECK(unknown->severity == protocol::Severity::Fatal);
  CHECK(unknown->message == "unrecognized configuration parameter \"no_such\"");
  auto fixed = backend::apply_startup_settings(startup({{"user", "u"}, {"options", "-c max_connections=5"}}), fresh);
  REQUIRE(fixed);
  CHECK(fixed->sqlstate == "55P02");
  auto value = backend::apply_startup_settings(startup({{"user", "u"}, {"statement_timeout", "soon"}}), fresh);
  REQUIRE(value);
  CHECK(value->sqlstate == "22023");
}
