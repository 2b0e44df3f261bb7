#include "AppOptions.h"

#include <QTest>

using namespace rqc;

namespace {
QStringList args(std::initializer_list<const char*> list)
{
    QStringList out;
    for (const char* a : list)
        out << QString::fromUtf8(a);
    return out;
}
QString str(const char* s) { return QString::fromUtf8(s); }
} // namespace

class TestAppOptions : public QObject {
    Q_OBJECT
private:
    static AppOptions::Result parse(const QStringList& args, AppOptions* out, QString* message)
    {
        return AppOptions::parse(QStringList{QStringLiteral("rqconsole")} + args, out, message);
    }

private slots:
    void defaults()
    {
        AppOptions o;
        QString message;
        QCOMPARE(parse({}, &o, &message), AppOptions::Result::Run);
        QVERIFY(!o.urlGiven());
        QVERIFY(!o.sandbox);
        QVERIFY(o.panes.isEmpty());
        QVERIFY(o.settingsFile.isEmpty());
        QCOMPARE(o.server.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(o.server.port, quint16(6379));
        QCOMPARE(o.server.transport, ConnectionSettings::Transport::Tcp);
    }

    void urlPanesAndSettings()
    {
        AppOptions o;
        QString message;
        QCOMPARE(parse(args({"--url", "redis://alice:pw@localhost:7000/3", "--pane", "list:queue1",
                             "--pane", "pubsub:news", "--pane", "pattern:news.*", "--pane",
                             "list:jobs,direction=lifo", "--settings", "/tmp/x.ini"}),
                       &o, &message),
                 AppOptions::Result::Run);
        QVERIFY(o.urlGiven());
        QCOMPARE(o.server.host, QStringLiteral("localhost"));
        QCOMPARE(o.server.port, quint16(7000));
        QCOMPARE(o.server.db, 3);
        QCOMPARE(o.server.user, QByteArray("alice"));
        QCOMPARE(o.panes.size(), 4);
        QCOMPARE(o.panes[0].mode, Mode::List);
        QCOMPARE(o.panes[0].target, QByteArray("queue1"));
        QCOMPARE(o.panes[1].mode, Mode::PubSub);
        QCOMPARE(o.panes[1].target, QByteArray("news"));
        QCOMPARE(o.panes[2].mode, Mode::Pattern);
        QCOMPARE(o.panes[2].target, QByteArray("news.*"));
        QCOMPARE(o.panes[3].option(QStringLiteral("direction")), QStringLiteral("lifo"));
        QCOMPARE(o.settingsFile, QStringLiteral("/tmp/x.ini"));
    }

    void discoverPatterns()
    {
        AppOptions o;
        QString message;
        QCOMPARE(parse(args({"--discover", "queue:*", "--discover", "*:events"}), &o, &message),
                 AppOptions::Result::Run);
        QCOMPARE(o.discoverPatterns, (QList<QByteArray>{"queue:*", "*:events"}));
        AppOptions none;
        QCOMPARE(parse(args({}), &none, &message), AppOptions::Result::Run);
        QVERIFY(none.discoverPatterns.isEmpty());
        QCOMPARE(parse(args({"--discover", ""}), &none, &message), AppOptions::Result::Error);
    }

    void precisePanes()
    {
        AppOptions o;
        QString message;
        QCOMPARE(
            parse(args({"--pane", "reliable:jobs,ack=manual,consumer=w1", "--pane", "reliable:mail",
                        "--pane", "stream:events,group=billing,consumer=c2,ack=none", "--pane",
                        "stream:orders,ack=auto", "--pane", "tail:events"}),
                  &o, &message),
            AppOptions::Result::Run);
        QCOMPARE(o.panes.size(), 5);
        QCOMPARE(o.panes[0].mode, Mode::Reliable);
        QCOMPARE(o.panes[0].target, QByteArray("jobs"));
        QCOMPARE(o.panes[0].option(str("ack")), str("manual"));
        QCOMPARE(o.panes[0].option(str("consumer")), str("w1"));
        QCOMPARE(o.panes[1].mode, Mode::Reliable);
        QVERIFY(o.panes[1].options.isEmpty()); // ack=auto by default
        QCOMPARE(o.panes[2].mode, Mode::Stream);
        QCOMPARE(o.panes[2].option(str("group")), str("billing"));
        QCOMPARE(o.panes[2].option(str("consumer")), str("c2"));
        QCOMPARE(o.panes[2].option(str("ack")), str("none"));
        QCOMPARE(o.panes[3].option(str("ack")), str("auto"));
        QCOMPARE(o.panes[4].mode, Mode::Tail);
        QCOMPARE(o.panes[4].target, QByteArray("events"));
        // What is saved and restored is what was given.
        QCOMPARE(o.panes[0].toString(), str("reliable:jobs,ack=manual,consumer=w1"));
        QCOMPARE(parse(args({"--help"}), &o, &message), AppOptions::Result::ExitOk);
        QVERIFY2(message.contains(str("reliable")), qPrintable(message));
        QVERIFY(message.contains(str("tail")));
    }

    void unixUrlAndSandbox()
    {
        AppOptions o;
        QString message;
        QCOMPARE(parse(args({"--url=unix:///tmp/r.sock?db=2"}), &o, &message),
                 AppOptions::Result::Run);
        QCOMPARE(o.server.transport, ConnectionSettings::Transport::Unix);
        QCOMPARE(o.server.socketPath, QStringLiteral("/tmp/r.sock"));
        QCOMPARE(o.server.db, 2);
        AppOptions s;
        QCOMPARE(parse(args({"--sandbox", "--pane", "list:a"}), &s, &message),
                 AppOptions::Result::Run);
        QVERIFY(s.sandbox);
        QVERIFY(!s.urlGiven());
    }

    void helpAndVersionExit()
    {
        AppOptions o;
        QString message;
        QCOMPARE(parse(args({"--help"}), &o, &message), AppOptions::Result::ExitOk);
        QVERIFY(message.contains(QStringLiteral("--pane")));
        QVERIFY(message.contains(QStringLiteral("--sandbox")));
        QCOMPARE(parse(args({"--version"}), &o, &message), AppOptions::Result::ExitOk);
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("bad scheme") << args({"--url", "http://x"}) << str("http");
        QTest::newRow("no host") << args({"--url", "redis://"}) << str("--url");
        QTest::newRow("bad port") << args({"--url", "redis://h:99999"}) << str("--url");
        QTest::newRow("empty url") << args({"--url", ""}) << str("--url");
        QTest::newRow("url missing value") << args({"--url"}) << str("url");
        QTest::newRow("url and sandbox")
            << args({"--url", "redis://h", "--sandbox"}) << str("--sandbox");
        QTest::newRow("pane no colon") << args({"--pane", "queue1"}) << str("queue1");
        QTest::newRow("pane bad mode") << args({"--pane", "queue:s"}) << str("queue");
        QTest::newRow("pane no target") << args({"--pane", "list:"}) << str("--pane");
        QTest::newRow("pane bad option")
            << args({"--pane", "pubsub:c,direction=lifo"}) << str("direction");
        QTest::newRow("reliable ack none") << args({"--pane", "reliable:q,ack=none"}) << str("ack");
        QTest::newRow("stream bad ack")
            << args({"--pane", "stream:s,ack=sometimes"}) << str("sometimes");
        QTest::newRow("tail has no group") << args({"--pane", "tail:s,group=g"}) << str("group");
        QTest::newRow("consumer named like a heartbeat")
            << args({"--pane", "reliable:q,consumer=x:alive"}) << str("consumer");
        QTest::newRow("unknown option") << args({"--frobnicate"}) << str("frobnicate");
        QTest::newRow("positional") << args({"extra"}) << str("extra");
        QTest::newRow("empty settings") << args({"--settings", ""}) << str("--settings");
    }

    void badArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        AppOptions o;
        o.sandbox = true; // untouched on error
        QString message;
        QCOMPARE(parse(args, &o, &message), AppOptions::Result::Error);
        QVERIFY2(message.contains(mentions), qPrintable(message));
        QVERIFY(o.sandbox);
    }
};

QTEST_MAIN(TestAppOptions)
#include "tst_appoptions.moc"
