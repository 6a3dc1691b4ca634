// The server log line, SPEC section 4:
//   YYYY-MM-DD HH:MM:SS.mmm UTC [PID] TYPE LEVEL:  message
// Only process mains log; libraries return errors. Each line goes out in one
// write(2) on stderr so lines of concurrent processes never interleave.
#pragma once

#include <string>
#include <string_view>

namespace pmemu::elog {

// Ordered as PostgreSQL's log_min_messages compares them.
enum class Level { Debug5, Debug4, Debug3, Debug2, Debug1, Info, Notice, Warning, Log, Error, Fatal, Panic };

// "LOG", "FATAL", "DEBUG1", ...
std::string_view level_name(Level level);
// Parses a log_min_messages value ("warning", "debug1", ...).
bool parse_level(std::string_view text, Level* out);

// Process-wide settings; set once in each process main.
void set_process_type(std::string_view type);  // "postmaster", "client backend", ...
[[nodiscard]] std::string_view process_type();
void set_min_level(Level level);
[[nodiscard]] Level min_level();
[[nodiscard]] bool enabled(Level level);

void log(Level level, std::string_view message);
// A DETAIL or HINT line follows its message, as PostgreSQL prints them.
void log_detail(Level level, std::string_view message, std::string_view detail);
void log_hint(Level level, std::string_view message, std::string_view hint);
// A statement's error followed by the statement, as PostgreSQL logs it with
// its default log_min_error_statement (error).
void log_statement(Level level, std::string_view message, std::string_view statement);

}  // namespace pmemu::elog
