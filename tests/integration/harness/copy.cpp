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
    target.append_conf("primary_conninfo = 'host=127.0.0.1 port=" + std::to_string(source.port()) +
                       " user=" + source.user() + " application_name="+ application_name + "'");
  }
}

}  // namespace pmemu::integration
