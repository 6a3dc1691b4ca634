#include <doctest.h>

#include <sys/stat.h>

#include "config/roles.h"
#include "tests/unit/config/temp_dir.h"

using namespace pmemu::config;
using pmemu::config::test::TempDir;

namespace {
Role role(std::string name, bool superuser, std::string verifier, bool login = true, bool replication = false) {
  return Role{std::move(name), superuser, login, replication, std::move(verifier)};
}
}  // namespace

TEST_CASE("roles: add, save, load round trip with attributes, mode 0600") {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "global");
  auto path = dir.path() / kRolesFile;
  RoleCatalog cat;
  CHECK(cat.add(role("postgres", true, "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy", true, true)).empty());
  CHECK(cat.add(role("bench", false, "")).empty());
  CHECK(cat.add(role("Bench", false, "md5abc", false, true)).empty());  // names are case-sensitive
  REQUIRE(cat.save(path).empty());
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto r = RoleCatalog::load(path);
  REQUIRE(std::holds_alternative<RoleCatalog>(r));
  const RoleCatalog& back = std::get<RoleCatalog>(r);
  REQUIRE(back.roles().size() == 3);
  const Role* pg = back.find("postgres");
  REQUIRE(pg);
  CHECK(pg->superuser);
  CHECK(pg->login);
  CHECK(pg->replication);
  CHECK(pg->verifier == "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy");
  REQUIRE(back.find("bench"));
  CHECK_FALSE(back.find("bench")->superuser);
  CHECK_FALSE(back.find("bench")->replication);
  CHECK(back.find("bench")->verifier.empty());
  CHECK_FALSE(back.find("Bench")->login);
  CHECK(back.find("Bench")->replication);
  CHECK(back.find("Bench")->verifier == "md5abc");
  CHECK_FALSE(back.find("nobody"));
}

TEST_CASE("roles: format 1 files still load; login for all, replication for superusers") {
  auto r = RoleCatalog::parse("# pmemu pg_authid 1\npostgres\tt\tmd5x\nbench\tf\t\n");
  REQUIRE(std::holds_alternative<RoleCatalog>(r));
  const auto& cat = std::get<RoleCatalog>(r);
  CHECK(cat.find("postgres")->login);
  CHECK(cat.find("postgres")->replication);
  CHECK(cat.find("postgres")->verifier == "md5x");
  CHECK(cat.find("bench")->login);
  CHECK_FALSE(cat.find("bench")->replication);
  CHECK(cat.serialize() == "# pmemu pg_authid 2\npostgres\tt\tt\tt\tmd5x\nbench\tf\tt\tf\t\n");
}

TEST_CASE("roles: refusals") {
  RoleCatalog cat;
  CHECK(cat.add(role("a", true, "")).empty());
  CHECK(cat.add(role("a", false, "")) == "role \"a\" already exists");
  CHECK_FALSE(cat.add(role("", false, "")).empty());
  CHECK_FALSE(cat.add(role("tab\tname", false, "")).empty());
  CHECK_FALSE(cat.add(role("b", false, "new\nline")).empty());
  CHECK(cat.replace(role("a", false, "md5x")).empty());
  CHECK(cat.find("a")->verifier == "md5x");
  CHECK(cat.replace(role("zz", false, "x")) == "role \"zz\" does not exist");
  CHECK(cat.remove("zz") == "role \"zz\" does not exist");
  CHECK(cat.remove("a") == "cannot drop role a because it is required by the database system");
  CHECK(cat.add(role("b", false, "")).empty());
  CHECK(cat.remove("b").empty());
  CHECK_FALSE(cat.find("b"));
  CHECK(reserved_role_name_error("pg_monitor") == "role name \"pg_monitor\" is reserved");
  CHECK(reserved_role_name_error("pgx").empty());
  Role r = role("c", false, "md5x");
  RoleAttributes{true, false, std::nullopt, std::string()}.apply_to(r);
  CHECK(r.superuser);
  CHECK_FALSE(r.login);
  CHECK_FALSE(r.replication);
  CHECK(r.verifier.empty());
}

TEST_CASE("roles: update is a locked read-modify-write that keeps the file on error") {
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "global");
  auto path = dir.path() / kRolesFile;
  RoleCatalog cat;
  REQUIRE(cat.add(role("postgres", true, "")).empty());
  REQUIRE(cat.save(path).empty());
  CHECK(RoleCatalog::update(path, [](RoleCatalog& c) { return c.add(role("alice", false, "md5y")); }).empty());
  CHECK(RoleCatalog::update(path, [](RoleCatalog& c) { return c.add(role("alice", false, "")); }) ==
        "role \"alice\" already exists");
  auto r = RoleCatalog::load(path);
  REQUIRE(std::holds_alternative<RoleCatalog>(r));
  CHECK(std::get<RoleCatalog>(r).find("alice")->verifier == "md5y");
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
  CHECK(bad("# pmemu pg_authid 2\npostgres\tt\t\n") ==
        "invalid role catalogue line 2: expected 5 tab-separated fields");
  CHECK(bad("# pmemu pg_authid 1\npostgres\tx\t\n") == "invalid role catalogue line 2: attribute flags must be t or f");
  CHECK(bad("# pmemu pg_authid 2\npostgres\tt\tt\ty\t\n") ==
        "invalid role catalogue line 2: attribute flags must be t or f");
  CHECK(bad("# pmemu pg_authid 1\na\tt\t\na\tf\t\n") == "invalid role catalogue line 3: role \"a\" already exists");
  TempDir dir;
  auto r = RoleCatalog::load(dir.path() / "missing");
  REQUIRE(std::holds_alternative<std::string>(r));
  CHECK(std::get<std::string>(r).find("could not open file") == 0);
}
