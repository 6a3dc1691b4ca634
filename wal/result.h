// A value or the reason there is none: the return type of wal/ operations
// that can fail for reasons outside the program (I/O, bad bytes on disk).
// The error text is a complete sentence fragment a process main can log as
// is, e.g. `could not open file "global/pg_control": No such file or directory`.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pmemu::wal {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  static Result failure(std::string why) { return Result(Error{std::move(why)}); }

  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  [[nodiscard]] const T& value() const& { assert(ok()); return std::get<0>(v_); }
  [[nodiscard]] T& value() & { assert(ok()); return std::get<0>(v_); }
  [[nodiscard]] const std::string& error() const { assert(!ok()); return std::get<1>(v_).why; }

 private:
  struct Error { std::string why; };
  explicit Result(Error e) : v_(std::move(e)) {}
  std::variant<T, Error> v_;
};

// For operations with nothing to return: empty() means success.
struct [[nodiscard]] Status {
  std::string error;
  [[nodiscard]] bool ok() const { return error.empty(); }
  static Status success() { return {}; }
  static Status failure(std::string why) { return Status{std::move(why)}; }
};

}  // namespace pmemu::wal
