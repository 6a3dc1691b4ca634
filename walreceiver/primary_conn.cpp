#include "walreceiver/primary_conn.h"

#include <charconv>
#include <cstdlib>
#include <memory>

namespace pmemu::walreceiver {
namespace {

// PGresult with an owner, so every early return clears it.
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
Result own(PGresult* r) { return Result(r, &PQclear); }

std::optional<std::uint32_t> parse_u32(std::string_view s) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ConnError> PrimaryConn::connect(const std::string& conninfo) {
  close();
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) return ConnError{"could not connect to the primary server: " + last_error(), ""};
  return std::nullopt;
}

void PrimaryConn::close() {
  if (copy_buf_) PQfreemem(copy_buf_);
  copy_buf_ = nullptr;
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

std::string PrimaryConn::last_error() const {
  std::string s = conn_ ? PQerrorMessage(conn_) : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string PrimaryConn::host() const {
  const char* h = conn_ ? PQhost(conn_) : nullptr;
  return h ? h : "";
}

int PrimaryConn::port() const {
  const char* p = conn_ ? PQport(conn_) : nullptr;
  return p ? std::atoi(p) : 0;
}

ConnResult<PrimaryIdentity> PrimaryConn::identify_system() {
  auto r = own(PQexec(conn_, "IDENTIFY_SYSTEM"));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    return ConnError{
        "could not receive database system identifier and timeline ID from the primary server: " + last_error(), ""};
  if (PQntuples(r.get()) != 1 || PQnfields(r.get()) < 3)
    return ConnError{"invalid response from primary server",
                     "Could not identify system: got " + std::to_string(PQntuples(r.get())) + " rows and " +
                         std::to_string(PQnfields(r.get())) + " fields, expected 1 rows and 3 or more fields."};
  auto tli = parse_u32(PQgetvalue(r.get(), 0, 1));
  if (!tli || *tli == 0)
    return ConnError{"invalid response from primary server",
                     std::string("Invalid timeline \"") + PQgetvalue(r.get(), 0, 1) + "\"."};
  return PrimaryIdentity{PQgetvalue(r.get(), 0, 0), TimeLineId{*tli}};
}

ConnResult<HistoryFile> PrimaryConn::timeline_history(TimeLineId tli) {
  auto r = own(PQexec(conn_, ("TIMELINE_HISTORY " + std::to_string(tli.get())).c_str()));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
    return ConnError{"could not receive timeline history file from the primary server: " + last_error(), ""};
  if (PQntuples(r.get()) != 1 || PQnfields(r.get()) != 2)
    return ConnError{"invalid response from primary server",
                     "Expected 1 tuple with 2 fields, got " + std::to_string(PQntuples(r.get())) + " tuples with " +
                         std::to_string(PQnfields(r.get())) + " fields."};
  return HistoryFile{PQgetvalue(r.get(), 0, 0),
                     std::string(PQgetvalue(r.get(), 0, 1), static_cast<std::size_t>(PQgetlength(r.get(), 0, 1)))};
}

ConnResult<StreamStart> PrimaryConn::start_streaming(std::string_view slot, Lsn start, TimeLineId tli) {
  std::string cmd = "START_REPLICATION";
  if (!slot.empty()) cmd += " SLOT \"" + std::string(slot) + "\"";
  cmd += " " + start.str() + " TIMELINE " + std::to_string(tli.get());
  auto r = own(PQexec(conn_, cmd.c_str()));
  switch (PQresultStatus(r.get())) {
    case PGRES_COPY_BOTH: return StreamStart::Copying;
    // The timeline ended exactly at `start`: the primary skipped the COPY
    // and sent only the next-timeline row and completions.
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK: return StreamStart::NoMoreWal;
    default: return ConnError{"could not start WAL streaming: " + last_error(), ""};
  }
}

ConnResult<TimeLineId> PrimaryConn::end_streaming() {
  if (PQputCopyEnd(conn_, nullptr) <= 0 || PQflush(conn_) != 0)
    return ConnError{"could not send end-of-streaming message to primary: " + last_error(), ""};
  TimeLineId next;
  auto r = own(PQgetResult(conn_));
  if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) {
    auto tli = PQnfields(r.get()) >= 2 && PQntuples(r.get()) == 1 ? parse_u32(PQgetvalue(r.get(), 0, 0))
                                                                  : std::nullopt;
    if (!tli || *tli == 0) return ConnError{"unexpected result set after end-of-streaming", ""};
    next = TimeLineId{*tli};
    r = own(PQgetResult(conn_));
  }
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
    return ConnError{"error reading result of streaming command: " + last_error(), ""};
  // START_STREAMING ends the row's result; START_REPLICATION may follow as
  // its own completion. Anything else is a protocol error.
  for (r = own(PQgetResult(conn_)); r; r = own(PQgetResult(conn_))) {
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
      return ConnError{"unexpected result after CommandComplete: " + last_error(), ""};
  }
  return next;
}

ConnResult<StreamEvent> PrimaryConn::receive(std::string_view& data) {
  if (copy_buf_) PQfreemem(copy_buf_);
  copy_buf_ = nullptr;
  const int n = PQgetCopyData(conn_, &copy_buf_, 1);
  if (n > 0) {
    data = std::string_view(copy_buf_, static_cast<std::size_t>(n));
    return StreamEvent::Data;
  }
  if (n == 0) return StreamEvent::NothingYet;
  if (n == -1) {
    auto r = own(PQgetResult(conn_));
    // CopyDone from the primary puts libpq back in COPY IN: our side is still open.
    if (PQresultStatus(r.get()) == PGRES_COPY_IN) return StreamEvent::TimelineEnded;
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) return StreamEvent::PrimaryStopped;
  }
  return ConnError{"could not receive data from WAL stream: " + last_error(), ""};
}

bool PrimaryConn::send(std::string_view copy_data) {
  return PQputCopyData(conn_, copy_data.data(), static_cast<int>(copy_data.size())) > 0 && PQflush(conn_) >= 0;
}

bool PrimaryConn::consume_input() { return PQconsumeInput(conn_) != 0; }

}  // namespace pmemu::walreceiver
