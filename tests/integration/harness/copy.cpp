#include "tests/integration/harness/copy.h"

#include <doctest.h>

#include <filesystem>
#include <fstream>

namespace pmemu::integration {

void copy_cluster_files(Cluster& target, Cluster& source, bool as_standby, const std::string& application_name) {
  namespace fs = std::filesystem;
  REQUIRE_MESSAGE(!fs::exists(source.data_dir() / "postmaster.pid"), "copy a stopped cluster only");
  std::error_code ec;
  fs::remove_all(target.data_dir(), ec);
  fs::copy(source.data_dir(), target.data_dir(), fs::copy_options::recursive, ec);
  REQUIRE_MESSAGE(!ec, "copy failed: " << ec.message());
  fs::permissions(target.data_dir(), fs::perms::owner_all, fs::perm_options::replace, ec);
  target.append_conf("port = " + std::to_string(target.port()));
  target.append_conf("unix_socket_directories = '" + target.base_dir().string() + "'");
  if (as_standby) {
    std::ofstream(target.data_dir() / "standby.signal").close();
    target.append_conf("primary_conninfo = '" + streaming_conninfo(source, application_name) + "'");
  }
}

std::string streaming_conninfo(const Cluster& primary, const std::string& app) {
  return "host=127.0.0.1 port=" + std::to_string(primary.port()) + " user=" + primary.user() +
         " application_name=" + app;
}

CmdResult make_streaming_standby(Cluster& primary, Cluster& standby, const std::string& app,
                                 const std::vector<std::string>& extra_args,
                                 const std::vector<std::string>& extra_conf) {
  std::vector<std::string> args{"basebackup", "-D", standby.data_dir().string(), "-d", streaming_conninfo(primary, app),
                                "-R"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const CmdResult r = standby.pmctl(args);
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe() << "\n--- primary log:\n" << primary.log());
  standby.append_conf("port = " + std::to_string(standby.port()));
  standby.append_conf("unix_socket_directories = '" + standby.base_dir().string() + "'");
  for (auto& line : extra_conf) standby.append_conf(line);
  return r;
}

}  // namespace pmemu::integration
