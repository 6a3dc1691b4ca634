// The event stream, SPEC 10.1: every process appends what happens to
// DATADIR/events.jsonl, one JSON object per line.
//
// Ownership: the file descriptor is process-wide state owned by this module.
// The postmaster opens it once (open_stream) before forking anything, with
// O_APPEND|O_CLOEXEC; children get it through fork (fork keeps the fd; only
// exec would close it), so a crash restart needs no reopen: the postmaster's
// fd outlives every child. The generation is a plain integer the postmaster
// sets before each fork; a child reads its own copy, taken at fork.
//
// emit() formats into a stack buffer and writes it with one write(2): lines of
// concurrent processes never interleave (O_APPEND). It takes no lock and never
// blocks on anything but the write itself; a failed or short write is dropped
// and counted (dropped_count), never reported: an event must not fail the
// work it describes. A line that does not fit the buffer is dropped too.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace pmemu::events {

// An LSN printed as SPEC 6 says (X/X, upper-case hex).
struct Lsn {
  std::uint64_t value;
};

// One event field: a name and a typed value.
class Field {
 public:
  enum class Kind { Str, Int, Bool, Lsn };
  Field(std::string_view name, std::string_view v) : name_(name), kind_(Kind::Str), str_(v) {}
  Field(std::string_view name, const char* v) : name_(name), kind_(Kind::Str), str_(v ? v : "") {}
  Field(std::string_view name, bool v) : name_(name), kind_(Kind::Bool), int_(v) {}
  Field(std::string_view name, int v) : name_(name), kind_(Kind::Int), int_(v) {}
  Field(std::string_view name, long v) : name_(name), kind_(Kind::Int), int_(v) {}
  Field(std::string_view name, long long v) : name_(name), kind_(Kind::Int), int_(v) {}
  Field(std::string_view name, unsigned v) : name_(name), kind_(Kind::Int), int_(v) {}
  Field(std::string_view name, unsigned long v) : name_(name), kind_(Kind::Int), int_(static_cast<long long>(v)) {}
  Field(std::string_view name, Lsn v) : name_(name), kind_(Kind::Lsn), int_(static_cast<long long>(v.value)) {}

  [[nodiscard]] std::string_view name() const { return name_; }
  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] std::string_view str() const { return str_; }
  [[nodiscard]] long long integer() const { return int_; }

 private:
  std::string_view name_;
  Kind kind_;
  std::string_view str_{};
  long long int_ = 0;
};

inline constexpr std::size_t kMaxLine = 2048;

// Opens DATADIR/events.jsonl for appending (creating it); false if it could
// not (then emit does nothing). Closes a previously opened stream first.
bool open_stream(std::string_view data_dir);
// Uses an already open fd (tests).
void use_fd(int fd);
void close_stream();

// The postmaster's crash-restart generation (0 after start).
void set_generation(int gen);
[[nodiscard]] int generation();

// The common header fields describing this process and moment.
struct Header {
  std::string_view ts;  // YYYY-MM-DDTHH:MM:SS.uuuuuuZ
  long long mono_ns;
  long long pid;
  std::string_view ptype;
  int gen;
};

// Formats one line (with its trailing newline) into buf; returns its length,
// or 0 when it does not fit. Pure: the unit tests call it directly.
std::size_t format_line(char* buf, std::size_t cap, const Header& h, std::string_view ev,
                        std::initializer_list<Field> fields);

// Writes one event line now, from this process (ptype: the process type
// elog knows). Never fails.
void emit(std::string_view ev, std::initializer_list<Field> fields = {});

// Lines that could not be written (short/failed write, too long).
[[nodiscard]] std::uint64_t dropped_count();

// "SIGTERM", "SIGKILL", ...; "SIG<n>" for others.
std::string_view signal_name(int signo, char (&buf)[16]);

}  // namespace pmemu::events
