#include <doctest.h>

#include "config/roles.h"
#include "tests/unit/config/temp_dir.h"

using namespace pmemu::config;
using pmemu::config::test::TempDir;

TEST_CASE("roles: add, save, load round trip") {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "global");
  auto path = dir.path() / kRolesFile;
  RoleCatalog cat;
  CHECK(cat.add("postgres", true, "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy").empty());
  CHECK(cat.add("bench", false, "").empty());
  CHECK(cat.add("Bench", false, "md5abc").empty());  // names are case-sensitive
  REQUIRE(cat.save(path).empty());
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));

  auto r = RoleCatalog::load(path);
  REQUIRE(std::holds_alternative<RoleCatalog>(r));
  const RoleCatalog& back = std::get<RoleCatalog>(r);
  REQUIRE(back.roles().size() == 3);
  const Role* pg = back.find("postgres");
  REQUIRE(pg);
  CHECK(pg->superuser);
  CHECK(pg->verifier == "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy");
  REQUIRE(back.find("bench"));
  CHECK_FALSE(back.find("bench")->superuser);
  CHECK(back.find("bench")->verifier.empty());
  CHECK(back.find("Bench")->verifier == "md5abc");
  CHECK_FALSE(back.find("nobody"));
}

TEST_CASE("roles: refusals") {
  RoleCatalog cat;
  CHECK(cat.add("a", true, "").empty());
  CHECK(cat.add("a", false, "") == "role \"a\" already exists");
  CHECK_FALSE(cat.add("", false, "").empty());
  CHECK_FALSE(cat.add("tab\tname", false, "").empty());
  CHECK_FALSE(cat.add("b", false, "new\nline").empty());
  CHECK(cat.set_verifier("a", "md5x").empty());
  CHECK(cat.find("a")->verifier == "md5x");
  CHECK(cat.set_verifier("zz", "x") == "role \"zz\" does not exist");
}

TEST_CASE("roles: corrupt files are reported with the line") {
  auto bad = [](std::string_view text) {
    auto r = RoleCatalog::parse(text);
    REQUIRE(std::holds_alternative<std::string>(r));
    return std::get<std::string>(r);
  };
  CHECK(bad("").find("empty") != std::string::npos);
  CHECK(bad("something else\n").find("unknown format") != std::string::npos);
  CHECK(bad("# pmemu pg_authid 1\npostgres\tt\t\nbroken line\n") ==
        "invalid role catalogue line 3: expected 3 tab-separated fields");
  CHECK(bad("# pmemu pg_authid 1\npostgres\tx\t\n") == "invalid role catalogue line 2: superuser flag must be t or f");
  CHECK(bad("# pmemu pg_authid 1\na\tt\t\na\tf\t\n") == "invalid role catalogue line 3: role \"a\" already exists");
  TempDir dir;
  auto r = RoleCatalog::load(dir.path() / "missing");
  REQUIRE(std::holds_alternative<std::string>(r));
  CHECK(std::get<std::string>(r).find("could not open file") == 0);
}
