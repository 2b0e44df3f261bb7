// Unit tests for MessageBatcher (leading-edge batching) and Backoff.
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
        QTRY_COMPARE(b.held(), 0);
        QCOMPARE(sink.total(), qsizetype(n));
        // At most one flush per interval (+ the leading edge and the trailing one).
        const qsizetype bound = elapsed / interval + 3;
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
