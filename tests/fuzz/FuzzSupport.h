// Shared by the libFuzzer targets in tests/fuzz (built by scripts/fuzz.sh): a check that stops
// the run with a message when a property the parsers promise does not hold, so that libFuzzer
// keeps the input as a crash reproducer.
#pragma once

#include <cstdio>
#include <cstdlib>

#define RQ_FUZZ_CHECK(cond)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);       \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)
