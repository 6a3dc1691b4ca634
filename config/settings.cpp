#include "config/settings.h"

#include "config/config.h"

namespace pmemu::config {
namespace {

std::chrono::milliseconds ms(const Config& c, std::string_view name) {
  auto def = guc_table()[*find_guc(name)];
  return std::chrono::milliseconds{c.get_int(name) * unit_scale(def.unit)};
}

std::uint64_t bytes(const Config& c, std::string_view name) {
  auto def = guc_table()[*find_guc(name)];
  return static_cast<std::uint64_t>(c.get_int(name)) * static_cast<std::uint64_t>(unit_scale(def.unit));
}

int to_int(std::int64_t v) { return static_cast<int>(v); }

}  // namespace

Settings Config::settings() const {
  Settings s;
  s.data_directory = get_string("data_directory");
  s.listen_addresses = get_string("listen_addresses");
  s.port = to_int(get_int("port"));
  s.unix_socket_directories = get_string("unix_socket_directories");
  s.unix_socket_permissions = to_int(get_int("unix_socket_permissions"));
  s.max_connections = to_int(get_int("max_connections"));
  s.superuser_reserved_connections = to_int(get_int("superuser_reserved_connections"));
  s.max_wal_senders = to_int(get_int("max_wal_senders"));
  s.max_replication_slots = to_int(get_int("max_replication_slots"));
  s.kv_table_size_bytes = bytes(*this, "kv_table_size");
  s.imessage_buffer_size_bytes = bytes(*this, "imessage_buffer_size");
  s.hot_standby = get_bool("hot_standby");
  s.cluster_name = get_string("cluster_name");
  s.wal_segment_size_bytes = bytes(*this, "wal_segment_size");

  s.authentication_timeout = ms(*this, "authentication_timeout");
  s.checkpoint_timeout = ms(*this, "checkpoint_timeout");
  s.checkpoint_completion_target = get_real("checkpoint_completion_target");
  s.wal_keep_size_bytes = bytes(*this, "wal_keep_size");
  s.fsync = get_bool("fsync");
  s.synchronous_standby_names = get_string("synchronous_standby_names");
  s.fault_points = get_string("fault_points");
  s.primary_conninfo = get_string("primary_conninfo");
  s.primary_slot_name = get_string("primary_slot_name");
  s.hot_standby_feedback = get_bool("hot_standby_feedback");
  s.wal_sender_timeout = ms(*this, "wal_sender_timeout");
  s.wal_receiver_timeout = ms(*this, "wal_receiver_timeout");
  s.wal_receiver_status_interval = ms(*this, "wal_receiver_status_interval");
  s.wal_retrieve_retry_interval = ms(*this, "wal_retrieve_retry_interval");
  s.restart_after_crash = get_bool("restart_after_crash");
  s.log_min_messages = static_cast<elog::Level>(get_enum_value("log_min_messages"));
  s.log_replication_commands = get_bool("log_replication_commands");
  s.log_checkpoints = get_bool("log_checkpoints");
  s.log_connections = get_bool("log_connections");
  s.log_disconnections = get_bool("log_disconnections");

  s.synchronous_commit = static_cast<SyncCommit>(get_enum_value("synchronous_commit"));
  s.application_name = get_string("application_name");
  s.statement_timeout = ms(*this, "statement_timeout");
  s.idle_session_timeout = ms(*this, "idle_session_timeout");
  s.tcp_keepalives_idle_s = to_int(get_int("tcp_keepalives_idle"));
  s.tcp_keepalives_interval_s = to_int(get_int("tcp_keepalives_interval"));
  s.tcp_keepalives_count = to_int(get_int("tcp_keepalives_count"));
  return s;
}

}  // namespace pmemu::config
