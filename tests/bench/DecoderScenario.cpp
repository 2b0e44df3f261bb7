// decoders (issue 11): what reading payloads through a decoder costs, Text (the bytes as they are,
// the console before decoders) beside Auto (the default), in one run:
//  - window-flood twice, the pane opened with decoder=text and with decoder=auto: drain rate and
//    the longest GUI stall (the figures of window-flood, see UiScenarios.cpp);
//  - a filter over a full ring (the pane's model and filter proxy, 100 000 rows, no window): the
//    time from setting the filter text to the end of the scan, for the bench's text payloads and
//    for MessagePack payloads (which Auto decodes and searches; Text only searches the bytes).
// The text filter matches nothing (every row is searched to its end, the decoded text too).
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "Scenarios.h"

#include <QElapsedTimer>

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

// Milliseconds from setFilterText() to the end of the scan over `rows` rows.
double filterMs(const MessageList& rows, PayloadDecoder::Kind kind)
{
    MessageModel model;
    model.setCapacity(int(rows.size()));
    model.appendBatch(rows);
    MessageFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.setDecoder(kind);
    QElapsedTimer clock;
    clock.start();
    proxy.setFilterText(QStringLiteral("no such text"));
    waitFor([&] { return !proxy.isScanning(); }, nullptr, 600000);
    return double(clock.nsecsElapsed()) / 1e6;
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
        r->extra.insert(QStringLiteral("filter_text_rows_%1_ms").arg(k),
                        round1(filterMs(text, kind)));
        r->extra.insert(QStringLiteral("filter_msgpack_rows_%1_ms").arg(k),
                        round1(filterMs(packed, kind)));
    }
    r->extra.insert(QStringLiteral("filter_rows"), kRows);
    return true;
}

} // namespace rqc::bench
