// libFuzzer target for the MONITOR line parser (core/MonitorParser): any line must parse or be
// refused, never crash or overflow; quote() followed by unquote() must give the bytes back, and
// a line built from quoted arguments must parse to those arguments.
#include "FuzzSupport.h"
#include "MonitorParser.h"

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    rqc::MonitorLine line;
    if (rqc::MonitorParser::parse(bytes, &line))
        RQ_FUZZ_CHECK(!line.argv.isEmpty() && line.db >= 0 && line.timeUs >= 0);
    QByteArray unquoted;
    (void)rqc::MonitorParser::unquote(bytes.constData(), bytes.constData() + bytes.size(),
                                      &unquoted);

    // Round trip: the input's bytes split at NUL into arguments, quoted as MONITOR prints them.
    const QByteArray quoted = rqc::MonitorParser::quote(bytes);
    RQ_FUZZ_CHECK(quoted.size() >= 2 && quoted.startsWith('"') && quoted.endsWith('"'));
    QByteArray back;
    RQ_FUZZ_CHECK(rqc::MonitorParser::unquote(quoted.constData() + 1,
                                              quoted.constData() + quoted.size() - 1, &back));
    RQ_FUZZ_CHECK(back == bytes);
    QList<QByteArray> args = bytes.split('\0');
    QByteArray built = "1700000000.123456 [3 127.0.0.1:6000]";
    for (const QByteArray& a : args)
        built += ' ' + rqc::MonitorParser::quote(a);
    rqc::MonitorLine parsed;
    RQ_FUZZ_CHECK(rqc::MonitorParser::parse(built, &parsed));
    RQ_FUZZ_CHECK(parsed.argv == args && parsed.db == 3 && parsed.addr == "127.0.0.1:6000" &&
                  parsed.timeUs == 1700000000123456LL);
    return 0;
}
