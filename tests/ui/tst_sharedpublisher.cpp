// The window's one publishing connection per server, shared by its panes (real MainWindow,
// offscreen, private redis-server): split from tst_mainwindow.
#include "AppOptions.h"
#include "ConsoleSession.h"
#include "Consumer.h"
#include "ConsumerCensus.h"
#include "ConsumersLine.h"
#include "MainWindow.h"
#include "MessageFilterProxy.h"
#include "MessageModel.h"
#include "NewPaneDialog.h"
#include "PaneStatusLine.h"
#include "PayloadView.h"
#include "Publisher.h"
#include "QueuePane.h"
#include "ServerSidebar.h"
#include "ServerTreeModel.h"
#include "TestSupport.h"
#include "UiTestSupport.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTranslator>

#include <csignal>
#include <memory>

using namespace rqc;

using rqc::test::child;
using rqc::test::pane;

namespace {
QString str(const char* s) { return QString::fromUtf8(s); }
constexpr int kTimeoutMs = 8000;
} // namespace

class TestSharedPublisher : public QObject {
    Q_OBJECT
private:
    qint64 publisherClientId()
    {
        const QByteArray list = m_f.client->command({"CLIENT", "LIST"}).str;
        for (const QByteArray& line : list.split('\n')) {
            if (line.contains(" name=rqconsole:publisher "))
                return line.mid(3, line.indexOf(' ') - 3).toLongLong(); // "id=N …"
        }
        return -1;
    }

private slots:
    void initTestCase() { RQ_START_WINDOW_FIXTURE(m_f); }

    void init() { m_f.client->command({"FLUSHALL"}); }

    // One publishing connection serves every pane; each pane sees only its own sends.
    void panesShareOnePublisherConnection()
    {
        auto window = test::windowOn(m_f, test::paneSpecs(str("list"), str("shared"), 4));
        QVERIFY(window);
        const QList<QueuePane*> panes = window->panes();
        QCOMPARE(panes.size(), 4);
        for (QueuePane* p : panes)
            QTRY_COMPARE_WITH_TIMEOUT(p->consumerState(), ConsumerState::Listening, kTimeoutMs);
        test::typeAndSend(panes[0], str("from one"));
        test::typeAndSend(panes[2], str("from three"));
        QTRY_COMPARE_WITH_TIMEOUT(panes[0]->sentTotal(), quint64(1), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panes[2]->sentTotal(), quint64(1), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panes[0]->receivedTotal(), quint64(1), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(panes[2]->receivedTotal(), quint64(1), kTimeoutMs);
        QCOMPARE(panes[2]->model()->messageAt(0).payload, QByteArray("from three"));
        QCOMPARE(panes[1]->sentTotal(), quint64(0));
        QCOMPARE(panes[3]->sentTotal(), quint64(0));
        QVERIFY(!panes[1]->statusText().contains(str("sent")));
        const QMap<QString, int> roles = test::connectionsByRole(*m_f.client);
        QCOMPARE(roles.value(str("publisher")), 1);
        // Besides: the admin connection, each pane's consumers line ("inspect", its census), and
        // the session's short-lived ROLE/INFO check at each monitor connect ("role").
        int consuming = 0;
        for (auto it = roles.cbegin(); it != roles.cend(); ++it) {
            if (it.key() != str("publisher") && it.key() != str("admin") &&
                it.key() != str("inspect") && it.key() != str("role"))
                consuming += it.value();
        }
        QVERIFY2(consuming == 4, qPrintable(QStringList(roles.keys()).join(u',')));
        QVERIFY(roles.value(str("admin")) <= 1);
        QVERIFY(roles.value(str("role")) <= 1);
    }

    // The publisher belongs to the server, not to a pane: closing panes (the last one too)
    // leaves it working for the next.
    void sharedPublisherSurvivesPaneCloses()
    {
        auto window = test::windowOn(m_f, test::paneSpecs(str("list"), str("closing"), 2));
        QVERIFY(window);
        QueuePane* first = pane(window.get(), "closing1");
        QueuePane* second = pane(window.get(), "closing2");
        QTRY_COMPARE_WITH_TIMEOUT(first->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(second->consumerState(), ConsumerState::Listening, kTimeoutMs);
        test::typeAndSend(first, str("before"));
        QTRY_COMPARE_WITH_TIMEOUT(first->receivedTotal(), quint64(1), kTimeoutMs);
        window->closePane(first);
        QTRY_VERIFY(!pane(window.get(), "closing1"));
        test::typeAndSend(second, str("after one closed"));
        QTRY_COMPARE_WITH_TIMEOUT(second->receivedTotal(), quint64(1), kTimeoutMs);
        window->closePane(second);
        QTRY_VERIFY(!pane(window.get(), "closing2"));
        QVERIFY(window->panes().isEmpty());
        ConsumerSpec spec;
        QVERIFY(ConsumerSpec::parse(str("list:closing3"), &spec, nullptr));
        QueuePane* third = window->openPane(spec);
        QTRY_COMPARE_WITH_TIMEOUT(third->consumerState(), ConsumerState::Listening, kTimeoutMs);
        test::typeAndSend(third, str("after the last closed"));
        QTRY_COMPARE_WITH_TIMEOUT(third->receivedTotal(), quint64(1), kTimeoutMs);
        QCOMPARE(third->model()->messageAt(0).payload, QByteArray("after the last closed"));
        QVERIFY2(third->errorText().isEmpty(), qPrintable(third->errorText()));
        QCOMPARE(test::connectionsByRole(*m_f.client).value(str("publisher")), 1);
    }

    // CLIENT KILL of the publishing connection: it comes back by itself, a send right after the
    // loss goes through, and no pane shows an error for a loss that cost nothing.
    void killedPublisherReconnectsQuietly()
    {
        auto window = test::windowOn(m_f, test::paneSpecs(str("list"), str("killed"), 2));
        QVERIFY(window);
        QueuePane* first = pane(window.get(), "killed1");
        QueuePane* second = pane(window.get(), "killed2");
        QTRY_COMPARE_WITH_TIMEOUT(first->consumerState(), ConsumerState::Listening, kTimeoutMs);
        test::typeAndSend(first, str("one"));
        QTRY_COMPARE_WITH_TIMEOUT(first->receivedTotal(), quint64(1), kTimeoutMs);
        Publisher* publisher = window->session()->publisher();
        QVERIFY(publisher);
        QSignalSpy lost(publisher, &Publisher::connectionLost);
        QSignalSpy ready(publisher, &Publisher::ready);

        // Sent as soon as the loss is known, while the publisher waits out its backoff.
        qint64 killed = publisherClientId();
        QVERIFY(killed > 0);
        QCOMPARE(m_f.client->command({"CLIENT", "KILL", "ID", QByteArray::number(killed)}).integer,
                 1);
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, kTimeoutMs);
        test::typeAndSend(first, str("two"));
        QTRY_COMPARE_WITH_TIMEOUT(first->receivedTotal(), quint64(2), kTimeoutMs);
        QCOMPARE(first->model()->messageAt(1).payload, QByteArray("two"));

        // Killed while nobody sends: it reconnects on its own.
        QTRY_VERIFY_WITH_TIMEOUT(publisherClientId() > killed, kTimeoutMs);
        killed = publisherClientId();
        m_f.client->command({"CLIENT", "KILL", "ID", QByteArray::number(killed)});
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 2, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(publisherClientId() > killed, kTimeoutMs);
        QVERIFY(ready.size() >= 2);
        test::typeAndSend(second, str("three"));
        QTRY_COMPARE_WITH_TIMEOUT(second->receivedTotal(), quint64(1), kTimeoutMs);
        // The publisher's reply and the consumer's message travel separately: either comes first.
        QTRY_COMPARE_WITH_TIMEOUT(second->sentTotal(), quint64(1), kTimeoutMs);
        QCOMPARE(first->sentTotal(), quint64(2));
        for (QueuePane* p : {first, second})
            QVERIFY2(p->errorText().isEmpty(), qPrintable(p->errorText()));
        QVERIFY2(
            !window->statusBar()->currentMessage().contains(str("publish"), Qt::CaseInsensitive) &&
                !window->statusBar()->currentMessage().contains(str("send"), Qt::CaseInsensitive),
            qPrintable(window->statusBar()->currentMessage()));
        QCOMPARE(test::connectionsByRole(*m_f.client).value(str("publisher")), 1);
    }

    // A connection lost in the middle of one pane's burst is that pane's error, and no other's.
    void sendFailureIsReportedToThePaneThatSent()
    {
        auto window = test::windowOn(m_f, {str("pattern:burst-nobody-*"), str("pubsub:bystander")});
        QVERIFY(window);
        QueuePane* sender = pane(window.get(), "burst-nobody-*");
        QueuePane* bystander = pane(window.get(), "bystander");
        QTRY_COMPARE_WITH_TIMEOUT(sender->consumerState(), ConsumerState::Listening, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(publisherClientId() > 0, kTimeoutMs);
        child<QLineEdit>(sender, "publishToEdit")->setText(str("nobody-listens-here"));
        child<QSpinBox>(sender, "repeatSpin")->setValue(1000000);
        auto* edit = child<QPlainTextEdit>(sender, "messageEdit");
        edit->setPlainText(QString(20000, u'x')); // 20 GB in all: still sending when killed
        QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(sender->statusText().contains(str(" of ")), kTimeoutMs);
        m_f.client->command({"CLIENT", "KILL", "ID", QByteArray::number(publisherClientId())});
        QTRY_VERIFY_WITH_TIMEOUT(sender->errorText().contains(str("Connection lost")), kTimeoutMs);
        QVERIFY(sender->sentTotal() < 1000000);
        QVERIFY2(bystander->errorText().isEmpty(), qPrintable(bystander->errorText()));
    }

private:
    test::WindowFixture m_f;
};

QTEST_MAIN(TestSharedPublisher)
#include "tst_sharedpublisher.moc"
