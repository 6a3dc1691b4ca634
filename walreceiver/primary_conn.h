// The walreceiver's replication connection to the primary, over libpq
// (PostgreSQL's libpqwalreceiver.c): the commands it sends and the shapes of
// the answers it accepts. Owned by the walreceiver process; one at a time.
// Methods return the result or the error sentence the walreceiver logs as
// FATAL (PostgreSQL's wording); this file does not log.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wal/lsn.h"

namespace pmemu::walreceiver {

// An error to log: message, and a DETAIL or HINT when there is one.
struct ConnError {
  std::string message;
  std::string detail;
  std::string hint;
};

template <typename T>
using ConnResult = std::variant<T, ConnError>;

struct PrimaryIdentity {
  std::string system_identifier;
  TimeLineId tli;
};

struct HistoryFile {
  std::string name;
  std::string content;
};

enum class StreamStart {
  Copying,    // CopyBoth: WAL follows
  NoMoreWal,  // the requested timeline ended exactly at the start point
};

// What one look at the stream found.
enum class StreamEvent {
  Data,            // `data` holds one CopyData payload
  NothingYet,      // nothing complete has arrived
  TimelineEnded,   // the primary sent CopyDone: call end_streaming()
  PrimaryStopped,  // the primary finished the command (it is shutting down)
};

class PrimaryConn {
 public:
  PrimaryConn() = default;
  PrimaryConn(const PrimaryConn&) = delete;
  PrimaryConn& operator=(const PrimaryConn&) = delete;
  ~PrimaryConn() { close(); }

  // Connects with `conninfo` (already completed with replication=true and
  // the application name); error "could not connect to the primary server: ...".
  [[nodiscard]] std::optional<ConnError> connect(const std::string& conninfo);
  // Sends Terminate and closes; safe to call twice.
  void close();

  [[nodiscard]] ConnResult<PrimaryIdentity> identify_system();
  [[nodiscard]] ConnResult<HistoryFile> timeline_history(TimeLineId tli);
  // START_REPLICATION [SLOT "slot"] start TIMELINE tli.
  [[nodiscard]] ConnResult<StreamStart> start_streaming(std::string_view slot, Lsn start, TimeLineId tli);
  // After TimelineEnded: our CopyDone, then the primary's next-timeline row
  // and command completions. Returns the next timeline (invalid if the
  // primary named none).
  [[nodiscard]] ConnResult<TimeLineId> end_streaming();

  // Takes the next complete message without blocking. Data points into a
  // buffer this object owns until the next call.
  [[nodiscard]] ConnResult<StreamEvent> receive(std::string_view& data);
  // Queues one CopyData message and flushes what the socket takes.
  [[nodiscard]] bool send(std::string_view copy_data);
  // Reads what the socket has into libpq's buffer (after a readable wait).
  [[nodiscard]] bool consume_input();

  [[nodiscard]] int socket() const { return PQsocket(conn_); }
  [[nodiscard]] std::string host() const;
  [[nodiscard]] int port() const;
  // libpq's last error, without the trailing newline.
  [[nodiscard]] std::string last_error() const;

 private:
  PGconn* conn_ = nullptr;
  char* copy_buf_ = nullptr;  // the last CopyData libpq handed us
};

}  // namespace pmemu::walreceiver
