// Unit tests for MessageBatcher (leading-edge, adaptive batching) and Backoff.
#include "MessageBatcher.h"

#include <QElapsedTimer>
#include <QTest>

using namespace rqc;

namespace {
Message msg(int i)
{
    Message m;
    m.payload = QByteArray::number(i);
    m.seq = quint64(i);
    return m;
}

struct Sink {
    QList<MessageList> batches;
    qsizetype total() const
    {
        qsizetype n = 0;
        for (const MessageList& b : batches)
            n += b.size();
        return n;
    }
    MessageList all() const
    {
        MessageList out;
        for (const MessageList& b : batches)
            out += b;
        return out;
    }
};
} // namespace

class TestMessageBatcher : public QObject {
    Q_OBJECT
private slots:
    void leadingEdgeFlushIsImmediate()
    {
        Sink sink;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, 33);
        b.add(msg(1));
        // Delivered synchronously, no event loop needed: a lone message is never held back.
        QCOMPARE(sink.batches.size(), 1);
        QCOMPARE(sink.batches[0].size(), 1);
        QCOMPARE(b.held(), 0);
        QCOMPARE(b.flushes(), quint64(1));
    }

    void secondMessageWithinIntervalIsHeldThenFlushed()
    {
        Sink sink;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, 200);
        b.add(msg(1));
        b.add(msg(2));
        b.add(msg(3));
        QCOMPARE(sink.batches.size(), 1);
        QCOMPARE(b.held(), 2);
        // The trailing flush comes by itself once the interval is over.
        QTRY_COMPARE_WITH_TIMEOUT(sink.batches.size(), 2, 5000);
        QCOMPARE(sink.batches[1].size(), 2);
        QCOMPARE(b.held(), 0);
    }

    void quietSpellGivesLeadingEdgeAgain()
    {
        Sink sink;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, 30);
        b.add(msg(1));
        QCOMPARE(sink.batches.size(), 1);
        QTest::qWait(80); // quiet for more than an interval
        b.add(msg(2));
        QCOMPARE(sink.batches.size(), 2); // at once, not after a timer
    }

    void streamIsBatchedAndNothingIsLost()
    {
        Sink sink;
        const int interval = 33;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, interval);
        QElapsedTimer t;
        t.start();
        int n = 0;
        while (t.elapsed() < 600) {
            for (int k = 0; k < 50; ++k)
                b.add(msg(++n));
            QTest::qWait(1);
        }
        const qint64 elapsed = t.elapsed();
        QCOMPARE(b.currentIntervalMs(), interval); // a flood keeps the full interval
        QTRY_COMPARE(b.held(), 0);
        QCOMPARE(sink.total(), qsizetype(n));
        // At most one flush per full interval (+ the leading edge, the one short interval before
        // the batches are seen to be large, and the trailing one).
        const qsizetype bound = elapsed / interval + 4;
        QVERIFY2(sink.batches.size() <= bound,
                 qPrintable(QStringLiteral("%1 flushes in %2 ms for %3 messages")
                                .arg(sink.batches.size())
                                .arg(elapsed)
                                .arg(n)));
        QVERIFY(sink.batches.size() >= 2);
        QCOMPARE(b.flushes(), quint64(sink.batches.size()));
        // In order, each once.
        const MessageList all = sink.all();
        for (int i = 0; i < n; ++i)
            QCOMPARE(all[i].seq, quint64(i + 1));
    }

    void trickleIsDeliveredWithinAFewMs()
    {
        // One message per ms (issue 4's latency scenario): the short interval applies, so each
        // batch holds a handful of messages, not the ~33 a full interval would collect.
        Sink sink;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, 33);
        QElapsedTimer t;
        t.start();
        int n = 0;
        while (t.elapsed() < 400) {
            b.add(msg(++n));
            QTest::qWait(1);
        }
        QTRY_COMPARE(b.held(), 0);
        QCOMPARE(sink.total(), qsizetype(n));
        qsizetype largest = 0;
        for (const MessageList& batch : sink.batches)
            largest = qMax(largest, batch.size());
        QVERIFY2(largest <= 16,
                 qPrintable(QStringLiteral("largest batch %1 of %2 messages in %3 flushes")
                                .arg(largest)
                                .arg(n)
                                .arg(sink.batches.size())));
        QVERIFY2(sink.batches.size() * 8 >= n,
                 qPrintable(
                     QStringLiteral("%1 flushes for %2 messages").arg(sink.batches.size()).arg(n)));
        QCOMPARE(b.currentIntervalMs(), int(MessageBatcher::kShortIntervalMs));
        const MessageList all = sink.all();
        for (int i = 0; i < n; ++i)
            QCOMPARE(all[i].seq, quint64(i + 1));
    }

    void intervalFollowsTheLastBatchSize()
    {
        Sink sink;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, 33);
        QCOMPARE(b.currentIntervalMs(), int(MessageBatcher::kShortIntervalMs));
        MessageList flood;
        for (int i = 0; i < 1000; ++i)
            flood.append(msg(i));
        b.add(std::move(flood)); // leading edge, a large batch
        QCOMPARE(sink.batches.size(), 1);
        QCOMPARE(b.currentIntervalMs(), 33);
        b.flush();
        b.add(msg(1000));
        QCOMPARE(b.held(), 1); // within the full interval of the large batch: held
        b.flush();             // a small batch
        QCOMPARE(b.currentIntervalMs(), int(MessageBatcher::kShortIntervalMs));
        b.setShortInterval(10, 2);
        QCOMPARE(b.currentIntervalMs(), 10);
        b.add(msg(1001));
        b.add(msg(1002));
        b.flush(); // two messages: large for this threshold
        QCOMPARE(b.currentIntervalMs(), 33);
        QCOMPARE(sink.total(), 1003);
    }

    void addListKeepsOrder()
    {
        Sink sink;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, 1000);
        b.add(MessageList{});
        QCOMPARE(b.flushes(), quint64(0));  // an empty list is not a flush
        b.add(MessageList{msg(1), msg(2)}); // leading edge
        b.add(MessageList{msg(3)});
        b.add(msg(4));
        b.add(MessageList{msg(5), msg(6)});
        QCOMPARE(b.held(), 4);
        b.flush();
        const MessageList all = sink.all();
        QCOMPARE(all.size(), 6);
        for (int i = 0; i < 6; ++i)
            QCOMPARE(all[i].seq, quint64(i + 1));
    }

    void flushDeliversHeldNow()
    {
        Sink sink;
        MessageBatcher b([&](MessageList&& l) { sink.batches.append(l); }, 10000);
        b.add(msg(1));
        b.add(msg(2));
        b.add(msg(3));
        QCOMPARE(sink.total(), 1);
        b.flush();
        QCOMPARE(sink.total(), 3);
        QCOMPARE(b.held(), 0);
        b.flush(); // nothing held: no empty batch
        QCOMPARE(sink.batches.size(), 2);
        // The pending timer was cancelled: nothing more arrives.
        QTest::qWait(50);
        QCOMPARE(sink.batches.size(), 2);
    }

    void sinkMayAddReentrantly()
    {
        // A sink that adds again (e.g. a direct connection doing more work) loses nothing.
        Sink sink;
        MessageBatcher* bp = nullptr;
        int extra = 0;
        MessageBatcher b(
            [&](MessageList&& l) {
                sink.batches.append(l);
                if (extra < 3)
                    bp->add(msg(100 + ++extra));
            },
            20);
        bp = &b;
        b.add(msg(1));
        QTRY_COMPARE(sink.total(), 4);
        QTRY_COMPARE(b.held(), 0);
    }

    void backoffIsCapped()
    {
        Backoff b(100, 1000);
        QCOMPARE(b.next(), 100);
        QCOMPARE(b.next(), 200);
        QCOMPARE(b.next(), 400);
        QCOMPARE(b.next(), 800);
        QCOMPARE(b.next(), 1000);
        QCOMPARE(b.next(), 1000);
        b.reset();
        QCOMPARE(b.next(), 100);
    }
};

QTEST_GUILESS_MAIN(TestMessageBatcher)
#include "tst_messagebatcher.moc"
