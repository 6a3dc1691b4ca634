// The command line of the test verbs (test_commands.h), kept out of main.cpp
// so that it stays a list of registrations.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace pmemu::pmctl {

void add_test_commands(CLI::App* app, std::function<int()>* action);

}  // namespace pmemu::pmctl
