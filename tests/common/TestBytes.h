#pragma once

// Byte strings for binary-exactness checks, shared by the tests (kept out of TestSupport.h so
// that the few tests using them are the only ones that include them).
#include <QByteArray>

namespace rqc::test {

// Every byte value once, 0x00 to 0xff in order.
inline QByteArray allBytes()
{
    QByteArray out;
    for (int b = 0; b < 256; ++b)
        out.append(char(b));
    return out;
}

} // namespace rqc::test
