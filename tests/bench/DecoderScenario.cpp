// decoders (issue 11): what reading payloads through a decoder costs, Text (the bytes as they are,
// the console before decoders) beside Auto (the default), in one run:
//  - window-flood twice, the pane opened with decoder=text and with decoder=auto: drain rate and
//    the longest GUI stall (the figures of window-flood, see UiScenarios.cpp);
//  - a filter over a full ring (the pane's model and filter proxy, 100 000 rows, no window): the
//    time from setting the filter text to the end of the scan, for the bench's text payloads and
//    for MessagePack payloads (which Auto decodes and searches; Text only searches the bytes).
// The text filter matches nothing (every row is searched to its end, the decoded text too). Each
// is measured twice on the same proxy: the first text, then the next keystroke (one more
// character, "_again"), the case where decoded text kept from the first scan can be reused.
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "Scenarios.h"

#include <QElapsedTimer>
#include <QTimer>

#include <cmath>

namespace rqc::bench {

namespace {

// msgpack {"id": <seq>, "name": "Ada", "tags": ["x", "y"], "ok": true}
QByteArray msgpackPayload(quint64 seq)
{
    QByteArray out("\x84\xa2id\xce", 5);
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(char((seq >> shift) & 0xff));
    out += QByteArray("\xa4name\xa3"
                      "Ada\xa4tags\x92\xa1x\xa1y\xa2ok\xc3");
    return out;
}

struct FilterMs {
    double first = 0;
    double again = 0;
    double longestStep = 0; // the longest the event loop waited during either scan
};

// Milliseconds from setFilterText() to the end of the scan over `rows` rows, for a first text
// and then for the next keystroke.
FilterMs filterMs(const MessageList& rows, PayloadDecoder::Kind kind)
{
    MessageModel model;
    model.setCapacity(int(rows.size()));
    model.appendBatch(rows);
    MessageFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.setDecoder(kind);
    FilterMs ms;
    // A zero timer beside the scan's: the gap between two of its ticks is how long the GUI
    // thread was busy with something else (a filter step).
    QElapsedTimer sinceTick;
    QTimer heartbeat;
    heartbeat.setInterval(0);
    QObject::connect(&heartbeat, &QTimer::timeout, &heartbeat, [&] {
        ms.longestStep = qMax(ms.longestStep, double(sinceTick.nsecsElapsed()) / 1e6);
        sinceTick.start();
    });
    const auto scanMs = [&](const QString& text) {
        QElapsedTimer clock;
        clock.start();
        sinceTick.start();
        heartbeat.start();
        proxy.setFilterText(text);
        waitFor([&] { return !proxy.isScanning(); }, nullptr, 600000);
        heartbeat.stop();
        return double(clock.nsecsElapsed()) / 1e6;
    };
    ms.first = scanMs(QStringLiteral("no such tex"));
    ms.again = scanMs(QStringLiteral("no such text"));
    return ms;
}

double round1(double v) { return std::round(v * 10) / 10; }

} // namespace

bool runDecoders(const Options& o, Result* r)
{
    r->name = QStringLiteral("decoders");
    r->messages = o.messages;
    const PayloadDecoder::Kind kinds[] = {PayloadDecoder::Kind::Text, PayloadDecoder::Kind::Auto};
    double autoSeconds = 0;
    for (const PayloadDecoder::Kind kind : kinds) {
        const QString k = PayloadDecoder::key(kind);
        Options flood = o;
        flood.specOptions << QStringLiteral("decoder=") + k;
        Result f;
        if (!runWindowFlood(flood, &f)) {
            r->extra = f.extra;
            return false;
        }
        r->lost += f.lost;
        r->duplicated += f.duplicated;
        if (kind == PayloadDecoder::Kind::Auto)
            autoSeconds = f.seconds;
        r->extra.insert(QStringLiteral("flood_%1_msgs_per_s").arg(k), std::round(f.rate()));
        r->extra.insert(QStringLiteral("flood_%1_max_stall_ms").arg(k),
                        f.extra.value(QStringLiteral("max_stall_ms")));
        if (f.extra.contains(QStringLiteral("error")))
            r->extra.insert(QStringLiteral("error"), f.extra.value(QStringLiteral("error")));
    }
    r->seconds = autoSeconds; // the rate shown is the default's (Auto)

    constexpr int kRows = 100000;
    MessageList text, packed;
    text.reserve(kRows);
    packed.reserve(kRows);
    char payload[4096];
    const int size = qBound(kSeqPrefixSize, o.size, int(sizeof payload));
    for (int i = 0; i < kRows; ++i) {
        writePayload(payload, size, quint64(i) + 1);
        Message m;
        m.seq = quint64(i) + 1;
        m.source = "bench:decoders";
        m.payload = QByteArray(payload, size);
        text.push_back(m);
        m.payload = msgpackPayload(m.seq);
        packed.push_back(std::move(m));
    }
    for (const PayloadDecoder::Kind kind : kinds) {
        const QString k = PayloadDecoder::key(kind);
        const FilterMs t = filterMs(text, kind);
        const FilterMs p = filterMs(packed, kind);
        r->extra.insert(QStringLiteral("filter_text_rows_%1_ms").arg(k), round1(t.first));
        r->extra.insert(QStringLiteral("filter_text_rows_%1_again_ms").arg(k), round1(t.again));
        r->extra.insert(QStringLiteral("filter_msgpack_rows_%1_ms").arg(k), round1(p.first));
        r->extra.insert(QStringLiteral("filter_msgpack_rows_%1_again_ms").arg(k), round1(p.again));
        r->extra.insert(QStringLiteral("filter_%1_longest_step_ms").arg(k),
                        round1(qMax(t.longestStep, p.longestStep)));
    }
    r->extra.insert(QStringLiteral("filter_rows"), kRows);
    return true;
}

} // namespace rqc::bench
