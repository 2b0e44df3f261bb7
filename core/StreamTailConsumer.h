#pragma once

#include "ConsumerWorker.h"

namespace rqc {

// Follows a stream without consuming (mode "tail"): XREAD COUNT n BLOCK 0 STREAMS <stream> <id>,
// starting after the newest entry at start (from=$, the default; the id is looked up once so a
// reconnect misses nothing) or after a given id (from=0 reads the whole stream first). Nothing
// is acked, claimed or added to any group: the application's consumers are not affected.
class StreamTailConsumer : public ConsumerWorker {
    Q_OBJECT
public:
    StreamTailConsumer(const ConnectionSettings& settings, const ConsumerSpec& spec,
                       QObject* parent = nullptr);

protected:
    void onReady() override;
    bool blockingInFlight() const override { return m_blocking; }
    void onConnectionLost() override { m_blocking = false; }
    QString gapNote() const override;

private:
    void read();

    QByteArray m_lastId; // empty until the start position is known
    QByteArray m_field;
    QByteArray m_count;
    bool m_blocking = false;
};

} // namespace rqc
