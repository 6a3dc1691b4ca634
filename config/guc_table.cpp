#include "config/guc_table.h"

#include "common/ascii.h"

#include <array>
#include <cctype>
#include <climits>

#include "common/elog.h"

namespace pmemu::config {
namespace {

constexpr double kIntMax = INT_MAX;

constexpr int lvl(elog::Level l) { return static_cast<int>(l); }

// PostgreSQL's server_message_level_options: LOG sorts between ERROR and FATAL.
constexpr std::array kServerLevels = {
    EnumOption{"debug5", lvl(elog::Level::Debug5)},  EnumOption{"debug4", lvl(elog::Level::Debug4)},
    EnumOption{"debug3", lvl(elog::Level::Debug3)},  EnumOption{"debug2", lvl(elog::Level::Debug2)},
    EnumOption{"debug1", lvl(elog::Level::Debug1)},  EnumOption{"debug", lvl(elog::Level::Debug2), true},
    EnumOption{"info", lvl(elog::Level::Info)},      EnumOption{"notice", lvl(elog::Level::Notice)},
    EnumOption{"warning", lvl(elog::Level::Warning)}, EnumOption{"error", lvl(elog::Level::Error)},
    EnumOption{"log", lvl(elog::Level::Log)},        EnumOption{"fatal", lvl(elog::Level::Fatal)},
    EnumOption{"panic", lvl(elog::Level::Panic)},
};

// client_message_level_options: what a session may ask to see.
constexpr std::array kClientLevels = {
    EnumOption{"debug5", lvl(elog::Level::Debug5)},  EnumOption{"debug4", lvl(elog::Level::Debug4)},
    EnumOption{"debug3", lvl(elog::Level::Debug3)},  EnumOption{"debug2", lvl(elog::Level::Debug2)},
    EnumOption{"debug1", lvl(elog::Level::Debug1)},  EnumOption{"debug", lvl(elog::Level::Debug2), true},
    EnumOption{"log", lvl(elog::Level::Log)},        EnumOption{"notice", lvl(elog::Level::Notice)},
    EnumOption{"warning", lvl(elog::Level::Warning)}, EnumOption{"error", lvl(elog::Level::Error)},
};

constexpr std::array kSyncCommit = {
    EnumOption{"local", static_cast<int>(SyncCommit::Local)},
    EnumOption{"remote_write", static_cast<int>(SyncCommit::RemoteWrite)},
    EnumOption{"remote_apply", static_cast<int>(SyncCommit::RemoteApply)},
    EnumOption{"on", static_cast<int>(SyncCommit::On)},
    EnumOption{"off", static_cast<int>(SyncCommit::Off)},
    EnumOption{"true", static_cast<int>(SyncCommit::On), true},
    EnumOption{"false", static_cast<int>(SyncCommit::Off), true},
    EnumOption{"yes", static_cast<int>(SyncCommit::On), true},
    EnumOption{"no", static_cast<int>(SyncCommit::Off), true},
    EnumOption{"1", static_cast<int>(SyncCommit::On), true},
    EnumOption{"0", static_cast<int>(SyncCommit::Off), true},
};

constexpr std::array kIntervalStyles = {
    EnumOption{"postgres", 0}, EnumOption{"postgres_verbose", 1}, EnumOption{"sql_standard", 2},
    EnumOption{"iso_8601", 3}};

constexpr std::array kPasswordEncryption = {EnumOption{"md5", 0}, EnumOption{"scram-sha-256", 1}};

constexpr std::array kIsolation = {
    EnumOption{"serializable", 3}, EnumOption{"repeatable read", 2}, EnumOption{"read committed", 1},
    EnumOption{"read uncommitted", 0}};

constexpr std::array kByteaOutput = {EnumOption{"escape", 0}, EnumOption{"hex", 1}};

using C = GucContext;
using T = GucType;
using U = GucUnit;

// Units, ranges and contexts are PostgreSQL 15's where the setting exists
// there. wal_sender_timeout and log_min_messages are user/superuser settings
// in PostgreSQL; here they are reload-only because only server processes read
// them. kv_table_size and imessage_buffer_size are ours.
const std::array kTable = {
    // --- internal: fixed by the build or by pg_control
    GucDef{"server_version", T::String, C::Internal, U::None, "15.18", 0, 0, {}, "Shows the server version."},
    GucDef{"server_version_num", T::Int, C::Internal, U::None, "150018", 150018, 150018, {},
           "Shows the server version as an integer."},
    GucDef{"server_encoding", T::String, C::Internal, U::None, "UTF8", 0, 0, {},
           "Shows the server (database) character set encoding."},
    GucDef{"wal_segment_size", T::Int, C::Internal, U::Bytes, "16MB", 1 << 20, 1 << 30, {},
           "Shows the size of write ahead log segments."},
    GucDef{"data_directory_mode", T::Int, C::Internal, U::None, "0700", 0, 0777, {},
           "Shows the mode of the data directory.", true},
    GucDef{"integer_datetimes", T::Bool, C::Internal, U::None, "on", 0, 0, {},
           "Shows whether datetimes are integer based."},
    GucDef{"block_size", T::Int, C::Internal, U::None, "8192", 8192, 8192, {}, "Shows the size of a disk block."},
    GucDef{"wal_block_size", T::Int, C::Internal, U::None, "8192", 8192, 8192, {},
           "Shows the block size in the write ahead log."},
    GucDef{"max_identifier_length", T::Int, C::Internal, U::None, "63", 63, 63, {},
           "Shows the maximum identifier length."},
    GucDef{"data_checksums", T::Bool, C::Internal, U::None, "off", 0, 0, {},
           "Shows whether data checksums are turned on for this cluster."},
    GucDef{"lc_collate", T::String, C::Internal, U::None, "C", 0, 0, {}, "Shows the collation order locale."},
    GucDef{"lc_ctype", T::String, C::Internal, U::None, "C", 0, 0, {},
           "Shows the character classification and case conversion locale."},
    GucDef{"in_hot_standby", T::Bool, C::Internal, U::None, "off", 0, 0, {},
           "Shows whether hot standby is currently active."},
    GucDef{"is_superuser", T::Bool, C::Internal, U::None, "on", 0, 0, {},
           "Shows whether the current user is a superuser."},

    // --- postmaster: read at start only
    GucDef{"data_directory", T::String, C::Postmaster, U::None, "", 0, 0, {}, "Sets the server's data directory."},
    GucDef{"listen_addresses", T::String, C::Postmaster, U::None, "localhost", 0, 0, {},
           "Sets the host name or IP address(es) to listen to."},
    GucDef{"port", T::Int, C::Postmaster, U::None, "5432", 1, 65535, {}, "Sets the TCP port the server listens on."},
    GucDef{"unix_socket_directories", T::String, C::Postmaster, U::None, "", 0, 0, {},
           "Sets the directories where Unix-domain sockets will be created."},
    GucDef{"unix_socket_permissions", T::Int, C::Postmaster, U::None, "0777", 0, 0777, {},
           "Sets the access permissions of the Unix-domain socket.", true},
    GucDef{"max_connections", T::Int, C::Postmaster, U::None, "100", 1, 262143, {},
           "Sets the maximum number of concurrent connections."},
    GucDef{"superuser_reserved_connections", T::Int, C::Postmaster, U::None, "3", 0, 262143, {},
           "Sets the number of connection slots reserved for superusers."},
    GucDef{"max_wal_senders", T::Int, C::Postmaster, U::None, "10", 0, 262143, {},
           "Sets the maximum number of simultaneously running WAL sender processes."},
    GucDef{"max_replication_slots", T::Int, C::Postmaster, U::None, "10", 0, 262143, {},
           "Sets the maximum number of simultaneously defined replication slots."},
    GucDef{"kv_table_size", T::Int, C::Postmaster, U::KiloBytes, "256MB", 1024, kIntMax, {},
           "Sets the part of shared memory that holds the kv table."},
    GucDef{"imessage_buffer_size", T::Int, C::Postmaster, U::KiloBytes, "8MB", 64, 1 << 20, {},
           "Sets the size of the shared inter-process message area."},
    GucDef{"hot_standby", T::Bool, C::Postmaster, U::None, "on", 0, 0, {},
           "Allows connections and queries during recovery."},
    GucDef{"cluster_name", T::String, C::Postmaster, U::None, "", 0, 0, {},
           "Sets the name of the cluster, which is included in the process title."},

    // --- sighup: postgresql.conf and reload
    GucDef{"authentication_timeout", T::Int, C::Sighup, U::S, "1min", 1, 600, {},
           "Sets the maximum allowed time to complete client authentication."},
    GucDef{"checkpoint_timeout", T::Int, C::Sighup, U::S, "5min", 30, 86400, {},
           "Sets the maximum time between automatic WAL checkpoints."},
    GucDef{"checkpoint_completion_target", T::Real, C::Sighup, U::None, "0.9", 0.0, 1.0, {},
           "Time spent flushing dirty buffers during checkpoint, as fraction of checkpoint interval."},
    GucDef{"wal_keep_size", T::Int, C::Sighup, U::MegaBytes, "0", 0, kIntMax, {},
           "Sets the size of WAL files held for standby servers."},
    GucDef{"fsync", T::Bool, C::Sighup, U::None, "on", 0, 0, {}, "Forces synchronization of updates to disk."},
    GucDef{"synchronous_standby_names", T::String, C::Sighup, U::None, "", 0, 0, {},
           "Number of synchronous standbys and list of names of potential synchronous ones."},
    GucDef{"primary_conninfo", T::String, C::Sighup, U::None, "", 0, 0, {},
           "Sets the connection string to be used to connect to the sending server."},
    GucDef{"primary_slot_name", T::String, C::Sighup, U::None, "", 0, 0, {},
           "Sets the name of the replication slot to use on the sending server."},
    GucDef{"hot_standby_feedback", T::Bool, C::Sighup, U::None, "off", 0, 0, {},
           "Allows feedback from a hot standby to the primary."},
    GucDef{"wal_sender_timeout", T::Int, C::Sighup, U::Ms, "60s", 0, kIntMax, {},
           "Sets the maximum time to wait for WAL replication."},
    GucDef{"wal_receiver_timeout", T::Int, C::Sighup, U::Ms, "60s", 0, kIntMax, {},
           "Sets the maximum wait time to receive data from the sending server."},
    GucDef{"wal_receiver_status_interval", T::Int, C::Sighup, U::S, "10s", 0, kIntMax / 1000, {},
           "Sets the maximum interval between WAL receiver status reports to the sending server."},
    GucDef{"wal_retrieve_retry_interval", T::Int, C::Sighup, U::Ms, "5s", 1, kIntMax, {},
           "Sets the time to wait before retrying to retrieve WAL after a failed attempt."},
    GucDef{"fault_points", T::String, C::Sighup, U::None, "", 0, 0, {},
           "Arms fault points: NAME:ACTION[:nth=N][:times=N][:p=P][:seed=S], ..."},
    GucDef{"restart_after_crash", T::Bool, C::Sighup, U::None, "on", 0, 0, {},
           "Reinitialize server after backend crash."},
    GucDef{"log_min_messages", T::Enum, C::Sighup, U::None, "warning", 0, 0, kServerLevels,
           "Sets the message levels that are logged."},
    GucDef{"log_replication_commands", T::Bool, C::Sighup, U::None, "off", 0, 0, {},
           "Logs each replication command."},
    GucDef{"log_checkpoints", T::Bool, C::Sighup, U::None, "on", 0, 0, {}, "Logs each checkpoint."},
    GucDef{"log_connections", T::Bool, C::Sighup, U::None, "off", 0, 0, {},
           "Logs each successful connection."},
    GucDef{"log_disconnections", T::Bool, C::Sighup, U::None, "off", 0, 0, {},
           "Logs end of a session, including duration."},
    // Test-only: the startup process waits this long before replay, so that
    // crash tests can catch it at work. 0 (the default) means no wait.
    GucDef{"pmemu_startup_delay_for_test", T::Int, C::Postmaster, U::Ms, "0", 0, 600000, {},
           "Test only: delay before the startup process begins redo."},

    // --- user: any session may SET these
    GucDef{"synchronous_commit", T::Enum, C::User, U::None, "on", 0, 0, kSyncCommit,
           "Sets the current transaction's synchronization level."},
    GucDef{"application_name", T::String, C::User, U::None, "", 0, 0, {},
           "Sets the application name to be reported in statistics and logs."},
    GucDef{"client_encoding", T::String, C::User, U::None, "UTF8", 0, 0, {},
           "Sets the client's character set encoding."},
    GucDef{"DateStyle", T::String, C::User, U::None, "ISO, MDY", 0, 0, {},
           "Sets the display format for date and time values."},
    GucDef{"TimeZone", T::String, C::User, U::None, "UTC", 0, 0, {},
           "Sets the time zone for displaying and interpreting time stamps."},
    GucDef{"IntervalStyle", T::Enum, C::User, U::None, "postgres", 0, 0, kIntervalStyles,
           "Sets the display format for interval values."},
    GucDef{"standard_conforming_strings", T::Bool, C::User, U::None, "on", 0, 0, {},
           "Causes '...' strings to treat backslashes literally."},
    GucDef{"default_transaction_read_only", T::Bool, C::User, U::None, "off", 0, 0, {},
           "Sets the default read-only status of new transactions."},
    GucDef{"default_transaction_isolation", T::Enum, C::User, U::None, "read committed", 0, 0, kIsolation,
           "Sets the transaction isolation level of each new transaction."},
    GucDef{"session_authorization", T::String, C::User, U::None, "", 0, 0, {},
           "Sets the session user name."},
    GucDef{"statement_timeout", T::Int, C::User, U::Ms, "0", 0, kIntMax, {},
           "Sets the maximum allowed duration of any statement."},
    GucDef{"lock_timeout", T::Int, C::User, U::Ms, "0", 0, kIntMax, {},
           "Sets the maximum allowed duration of any wait for a lock."},
    GucDef{"idle_in_transaction_session_timeout", T::Int, C::User, U::Ms, "0", 0, kIntMax, {},
           "Sets the maximum allowed idle time between queries, when in a transaction."},
    GucDef{"idle_session_timeout", T::Int, C::User, U::Ms, "0", 0, kIntMax, {},
           "Sets the maximum allowed idle time between queries, when not in a transaction."},
    GucDef{"tcp_keepalives_idle", T::Int, C::User, U::S, "0", 0, kIntMax, {},
           "Time between issuing TCP keepalives."},
    GucDef{"tcp_keepalives_interval", T::Int, C::User, U::S, "0", 0, kIntMax, {},
           "Time between TCP keepalive retransmits."},
    GucDef{"tcp_keepalives_count", T::Int, C::User, U::None, "0", 0, kIntMax, {},
           "Maximum number of TCP keepalive retransmits."},
    GucDef{"search_path", T::String, C::User, U::None, "\"$user\", public", 0, 0, {},
           "Sets the schema search order for names that are not schema-qualified."},
    GucDef{"extra_float_digits", T::Int, C::User, U::None, "1", -15, 3, {},
           "Sets the number of digits displayed for floating-point values."},
    GucDef{"client_min_messages", T::Enum, C::User, U::None, "notice", 0, 0, kClientLevels,
           "Sets the message levels that are sent to the client."},
    GucDef{"lc_messages", T::String, C::User, U::None, "C", 0, 0, {},
           "Sets the language in which messages are displayed."},
    GucDef{"lc_monetary", T::String, C::User, U::None, "C", 0, 0, {},
           "Sets the locale for formatting monetary amounts."},
    GucDef{"lc_numeric", T::String, C::User, U::None, "C", 0, 0, {}, "Sets the locale for formatting numbers."},
    GucDef{"lc_time", T::String, C::User, U::None, "C", 0, 0, {},
           "Sets the locale for formatting date and time values."},
    GucDef{"bytea_output", T::Enum, C::User, U::None, "hex", 0, 0, kByteaOutput,
           "Sets the output format for bytea."},
    GucDef{"password_encryption", T::Enum, C::User, U::None, "scram-sha-256", 0, 0, kPasswordEncryption,
           "Chooses the algorithm for encrypting passwords."},
    GucDef{"work_mem", T::Int, C::User, U::KiloBytes, "4MB", 64, kIntMax, {},
           "Sets the maximum memory to be used for query workspaces."},
};

}  // namespace

std::span<const GucDef> guc_table() { return kTable; }

std::optional<std::size_t> find_guc(std::string_view name) {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (ascii_iequals(kTable[i].name, name)) return i;
  }
  return std::nullopt;
}

}  // namespace pmemu::config
