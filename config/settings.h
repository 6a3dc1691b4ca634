// The settings server processes read often, converted once to the units code
// wants (milliseconds, bytes, enums). Take a fresh copy with
// Config::settings() at start and after each reload().
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/elog.h"
#include "config/guc_table.h"

namespace pmemu::config {

struct Settings {
  // postmaster context: fixed for the life of the server
  std::string data_directory;
  std::string listen_addresses;
  int port = 5432;
  std::string unix_socket_directories;
  int unix_socket_permissions = 0777;
  int max_connections = 100;
  int superuser_reserved_connections = 3;
  int max_wal_senders = 10;
  int max_replication_slots = 10;
  std::uint64_t kv_table_size_bytes = 0;
  std::uint64_t imessage_buffer_size_bytes = 0;
  bool hot_standby = true;
  std::string cluster_name;
  std::uint64_t wal_segment_size_bytes = 0;  // internal: from pg_control via Config::set_internal

  // sighup context: may change at each reload
  std::chrono::milliseconds authentication_timeout{};
  std::chrono::milliseconds checkpoint_timeout{};
  double checkpoint_completion_target = 0.9;
  std::uint64_t wal_keep_size_bytes = 0;
  bool fsync = true;
  std::string synchronous_standby_names;
  std::string fault_points;  // SPEC 10.3, applied by the postmaster (faults/apply_setting.h)
  std::string primary_conninfo;
  std::string primary_slot_name;
  bool hot_standby_feedback = false;
  std::chrono::milliseconds wal_sender_timeout{};
  std::chrono::milliseconds wal_receiver_timeout{};
  std::chrono::milliseconds wal_receiver_status_interval{};
  std::chrono::milliseconds wal_retrieve_retry_interval{};
  bool restart_after_crash = true;
  elog::Level log_min_messages = elog::Level::Warning;
  bool log_replication_commands = false;
  bool log_checkpoints = true;
  bool log_connections = false;
  bool log_disconnections = false;

  // user context: the value in force in this process (a session may SET them)
  SyncCommit synchronous_commit = SyncCommit::On;
  std::string application_name;
  std::chrono::milliseconds statement_timeout{};
  std::chrono::milliseconds idle_session_timeout{};
  // TCP keepalive of client connections; 0 keeps the system default.
  int tcp_keepalives_idle_s = 0;
  int tcp_keepalives_interval_s = 0;
  int tcp_keepalives_count = 0;
};

}  // namespace pmemu::config
