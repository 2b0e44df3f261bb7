// Unit tests for ConnectionSettings::parse: the URL forms redis-cli users know, and clear errors.
#include "ConnectionSettings.h"

#include <QTest>

using namespace rqc;

namespace {
// Sets or clears REDISCLI_AUTH for one scope.
class EnvGuard {
public:
    explicit EnvGuard(const QByteArray& value)
        : m_had(qEnvironmentVariableIsSet("REDISCLI_AUTH"))
        , m_old(qgetenv("REDISCLI_AUTH"))
    {
        if (value.isNull())
            qunsetenv("REDISCLI_AUTH");
        else
            qputenv("REDISCLI_AUTH", value);
    }
    ~EnvGuard()
    {
        if (m_had)
            qputenv("REDISCLI_AUTH", m_old);
        else
            qunsetenv("REDISCLI_AUTH");
    }

private:
    bool m_had;
    QByteArray m_old;
};

ConnectionSettings mustParse(const QString& url)
{
    ConnectionSettings s;
    QString error;
    if (!ConnectionSettings::parse(url, &s, &error))
        qWarning("parse(%s) failed: %s", qPrintable(url), qPrintable(error));
    return s;
}
} // namespace

class TestConnectionSettings : public QObject {
    Q_OBJECT
private slots:
    void parseErrorsNeverShowThePassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("kept");
        QTest::newRow("bad port") << QStringLiteral("redis://bob:Sekr3t-pw@host:99999")
                                  << QStringLiteral("bob");
        QTest::newRow("no host") << QStringLiteral("redis://bob:Sekr3t-pw@/0")
                                 << QStringLiteral("bob");
        QTest::newRow("lone user-info")
            << QStringLiteral("redis://Sekr3t-pw@host:0") << QStringLiteral("host");
        QTest::newRow("bad timeout")
            << QStringLiteral("redis://:Sekr3t-pw@host?timeout=-1") << QStringLiteral("timeout");
        QTest::newRow("invalid url")
            << QStringLiteral("redis://bob:Sekr3t-pw@ho st:12") << QStringLiteral("bob");
        QTest::newRow("at in password")
            << QStringLiteral("redis://bob:Sekr3t@pw@host:99999") << QStringLiteral("bob");
    }
    void parseErrorsNeverShowThePassword()
    {
        QFETCH(QString, url);
        QFETCH(QString, kept);
        ConnectionSettings s;
        QString error;
        QVERIFY(!ConnectionSettings::parse(url, &s, &error));
        QVERIFY2(!error.contains(QLatin1String("Sekr3t")) && !error.contains(QLatin1String("pw")),
                 qPrintable(error));
        QVERIFY2(error.contains(kept), qPrintable(error));
    }

    void init() { qunsetenv("REDISCLI_AUTH"); }

    void hostOnly()
    {
        ConnectionSettings s;
        QString error;
        QVERIFY(ConnectionSettings::parse(QStringLiteral("redis://example.org"), &s, &error));
        QCOMPARE(s.transport, ConnectionSettings::Transport::Tcp);
        QCOMPARE(s.host, QStringLiteral("example.org"));
        QCOMPARE(s.port, quint16(6379));
        QCOMPARE(s.db, 0);
        QVERIFY(s.user.isEmpty());
        QVERIFY(s.password.isEmpty());
        QVERIFY(error.isEmpty());
    }

    void portAndDb()
    {
        const ConnectionSettings s = mustParse(QStringLiteral("redis://127.0.0.1:6380/5"));
        QCOMPARE(s.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(s.port, quint16(6380));
        QCOMPARE(s.db, 5);
        QCOMPARE(mustParse(QStringLiteral("redis://h/")).db, 0);
        QCOMPARE(mustParse(QStringLiteral("redis://h:7000")).port, quint16(7000));
    }

    void userAndPassword()
    {
        const ConnectionSettings s = mustParse(QStringLiteral("redis://alice:s3cret@h:1234/2"));
        QCOMPARE(s.user, QByteArray("alice"));
        QCOMPARE(s.password, QByteArray("s3cret"));
        QCOMPARE(s.port, quint16(1234));
        QCOMPARE(s.db, 2);
    }

    void passwordOnly()
    {
        const ConnectionSettings s = mustParse(QStringLiteral("redis://:onlypw@h"));
        QVERIFY(s.user.isEmpty());
        QCOMPARE(s.password, QByteArray("onlypw"));
    }

    void loneUserInfoIsPassword()
    {
        // redis-cli -u redis://secret@host sends AUTH secret.
        const ConnectionSettings s = mustParse(QStringLiteral("redis://secret@h"));
        QVERIFY(s.user.isEmpty());
        QCOMPARE(s.password, QByteArray("secret"));
    }

    void percentEncodedPassword()
    {
        const ConnectionSettings s =
            mustParse(QStringLiteral("redis://bob:p%40ss%3Aw%2Fo%25rd%20x@h"));
        QCOMPARE(s.user, QByteArray("bob"));
        QCOMPARE(s.password, QByteArray("p@ss:w/o%rd x"));
        // Non-UTF-8 bytes survive as bytes.
        const ConnectionSettings b = mustParse(QStringLiteral("redis://:%FF%00%C3%A9@h"));
        QCOMPARE(b.password, QByteArray("\xff\x00\xc3\xa9", 4));
        const ConnectionSettings u = mustParse(QStringLiteral("redis://us%40er:pw@h"));
        QCOMPARE(u.user, QByteArray("us@er"));
    }

    void tls()
    {
        const ConnectionSettings s = mustParse(QStringLiteral("rediss://h:6390"));
        QCOMPARE(s.transport, ConnectionSettings::Transport::Tls);
        QCOMPARE(s.port, quint16(6390));
        QVERIFY(!s.tlsInsecure);
        QVERIFY(s.caCertFile.isEmpty());
        QCOMPARE(mustParse(QStringLiteral("REDISS://h")).transport,
                 ConnectionSettings::Transport::Tls);
    }

    void tlsOptions()
    {
        const ConnectionSettings s =
            mustParse(QStringLiteral("rediss://h?cacert=/tmp/my%20ca.pem&insecure=1"));
        QCOMPARE(s.caCertFile, QStringLiteral("/tmp/my ca.pem"));
        QVERIFY(s.tlsInsecure);
        QVERIFY(!mustParse(QStringLiteral("rediss://h?insecure=0")).tlsInsecure);
        QVERIFY(mustParse(QStringLiteral("rediss://h?insecure=true")).tlsInsecure);
    }

    void unixSocket()
    {
        const ConnectionSettings s = mustParse(QStringLiteral("unix:///run/redis/redis.sock?db=3"));
        QCOMPARE(s.transport, ConnectionSettings::Transport::Unix);
        QCOMPARE(s.socketPath, QStringLiteral("/run/redis/redis.sock"));
        QCOMPARE(s.db, 3);
        QCOMPARE(mustParse(QStringLiteral("unix:///tmp/r.sock")).db, 0);
    }

    void unixSocketWithPassword()
    {
        const ConnectionSettings s = mustParse(QStringLiteral("unix://:pw@/tmp/r.sock"));
        QCOMPARE(s.socketPath, QStringLiteral("/tmp/r.sock"));
        QCOMPARE(s.password, QByteArray("pw"));
    }

    void ipv6()
    {
        const ConnectionSettings s = mustParse(QStringLiteral("redis://[::1]:6380/1"));
        QCOMPARE(s.host, QStringLiteral("::1"));
        QCOMPARE(s.port, quint16(6380));
        QCOMPARE(s.db, 1);
        QVERIFY(s.displayUrl().contains(QStringLiteral("[::1]:6380")));
    }

    void redisCliAuthWhenNoPassword()
    {
        EnvGuard env("fromenv");
        QCOMPARE(mustParse(QStringLiteral("redis://h")).password, QByteArray("fromenv"));
        QCOMPARE(mustParse(QStringLiteral("unix:///tmp/s.sock")).password, QByteArray("fromenv"));
        // A password in the URL wins.
        QCOMPARE(mustParse(QStringLiteral("redis://:inurl@h")).password, QByteArray("inurl"));
        QCOMPARE(mustParse(QStringLiteral("redis://u:inurl@h")).password, QByteArray("inurl"));
        QCOMPARE(mustParse(QStringLiteral("redis://inurl@h")).password, QByteArray("inurl"));
        // A user without a password takes the password from the environment.
        const ConnectionSettings userOnly = mustParse(QStringLiteral("redis://alice:@h"));
        QCOMPARE(userOnly.user, QByteArray("alice"));
        QCOMPARE(userOnly.password, QByteArray("fromenv"));
    }

    void noRedisCliAuth()
    {
        EnvGuard env(QByteArray{});
        QVERIFY(mustParse(QStringLiteral("redis://h")).password.isEmpty());
    }

    void badUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("mentions"); // a word the error must contain
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("blank") << QStringLiteral("   ") << QStringLiteral("empty");
        QTest::newRow("http") << QStringLiteral("http://h") << QStringLiteral("http");
        QTest::newRow("no scheme") << QStringLiteral("localhost:6379") << QString();
        QTest::newRow("no host") << QStringLiteral("redis://") << QStringLiteral("host");
        QTest::newRow("no host, port") << QStringLiteral("redis://:6380") << QStringLiteral("host");
        QTest::newRow("port 0") << QStringLiteral("redis://h:0") << QStringLiteral("port");
        QTest::newRow("port 70000") << QStringLiteral("redis://h:70000") << QStringLiteral("port");
        QTest::newRow("port abc") << QStringLiteral("redis://h:abc") << QStringLiteral("port");
        QTest::newRow("db -1") << QStringLiteral("redis://h/-1") << QStringLiteral("-1");
        QTest::newRow("db abc") << QStringLiteral("redis://h/abc") << QStringLiteral("abc");
        QTest::newRow("db 1/2") << QStringLiteral("redis://h/1/2") << QStringLiteral("1/2");
        QTest::newRow("query db abc")
            << QStringLiteral("unix:///tmp/s.sock?db=abc") << QStringLiteral("abc");
        QTest::newRow("unix no path") << QStringLiteral("unix://") << QStringLiteral("path");
        // Found by scripts/fuzz.sh (fuzz_url): a relative path was taken, and its displayUrl()
        // (unix://relative…) named a host instead, which did not parse back.
        QTest::newRow("unix relative")
            << QStringLiteral("unix:redis.sock") << QStringLiteral("absolute");
        QTest::newRow("unix relative, user-like")
            << QStringLiteral("unix:x//bob:@/run/r.sock") << QStringLiteral("absolute");
        QTest::newRow("timeout 0")
            << QStringLiteral("redis://h?timeout=0") << QStringLiteral("timeout");
        QTest::newRow("health abc")
            << QStringLiteral("redis://h?health=abc") << QStringLiteral("health");
        QTest::newRow("health -1")
            << QStringLiteral("redis://h?health=-1") << QStringLiteral("health");
        QTest::newRow("health 0.1")
            << QStringLiteral("redis://h?health=0.1") << QStringLiteral("0.3");
    }

    void badUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, mentions);
        ConnectionSettings s;
        s.host = QStringLiteral("untouched");
        QString error;
        QVERIFY2(!ConnectionSettings::parse(url, &s, &error), qPrintable(url));
        QVERIFY2(!error.isEmpty(), qPrintable(url));
        QVERIFY2(error.contains(mentions, Qt::CaseInsensitive), qPrintable(error));
        QCOMPARE(s.host, QStringLiteral("untouched")); // output untouched on failure
        // A null error pointer is allowed.
        QVERIFY(!ConnectionSettings::parse(url, &s, nullptr));
    }

    void displayUrlHidesPassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << QStringLiteral("redis://h") << QStringLiteral("redis://h:6379/0");
        QTest::newRow("user+pw") << QStringLiteral("redis://alice:topsecret@h:7/3")
                                 << QStringLiteral("redis://alice:@h:7/3");
        QTest::newRow("pw only") << QStringLiteral("redis://:topsecret@h")
                                 << QStringLiteral("redis://h:6379/0");
        QTest::newRow("lone userinfo")
            << QStringLiteral("redis://topsecret@h") << QStringLiteral("redis://h:6379/0");
        QTest::newRow("tls") << QStringLiteral("rediss://u:topsecret@h:6390")
                             << QStringLiteral("rediss://u:@h:6390/0");
        QTest::newRow("unix") << QStringLiteral("unix://:topsecret@/tmp/s.sock?db=4")
                              << QStringLiteral("unix:///tmp/s.sock?db=4");
        QTest::newRow("ipv6") << QStringLiteral("redis://:topsecret@[::1]:6380")
                              << QStringLiteral("redis://[::1]:6380/0");
        QTest::newRow("unix user") << QStringLiteral("unix://bob:topsecret@/tmp/s.sock")
                                   << QStringLiteral("unix://bob:@/tmp/s.sock?db=0");
        QTest::newRow("options")
            << QStringLiteral(
                   "rediss://:topsecret@h?cacert=/tmp/my%20ca.pem&insecure=1&timeout=500")
            << QStringLiteral("rediss://h:6379/0?cacert=/tmp/my%20ca.pem&insecure=1&timeout=500");
    }

    void displayUrlHidesPassword()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        EnvGuard env("topsecret");
        const ConnectionSettings s = mustParse(url);
        QCOMPARE(s.password, QByteArray("topsecret"));
        QCOMPARE(s.displayUrl(), expected);
        QVERIFY(!s.displayUrl().contains(QStringLiteral("topsecret")));
    }

    void healthInterval()
    {
        // 20 s by default: blocking commands wait and idle connections PING after a third.
        const ConnectionSettings d = mustParse(QStringLiteral("redis://h"));
        QCOMPARE(d.healthMs, 20000);
        QCOMPARE(d.blockMs(), qint64(6666));
        QCOMPARE(d.blockSecondsArg(), QByteArray("6.666"));
        QCOMPARE(d.blockMillisArg(), QByteArray("6666"));
        const ConnectionSettings two = mustParse(QStringLiteral("redis://h?health=3"));
        QCOMPARE(two.healthMs, 3000);
        QCOMPARE(two.blockSecondsArg(), QByteArray("1"));
        QCOMPARE(two.displayUrl(), QStringLiteral("redis://h:6379/0?health=3"));
        // Off: blocking commands wait for ever again (only TCP keepalive watches).
        const ConnectionSettings off = mustParse(QStringLiteral("redis://h?health=0"));
        QCOMPARE(off.healthMs, 0);
        QCOMPARE(off.blockSecondsArg(), QByteArray("0"));
        QCOMPARE(off.blockMillisArg(), QByteArray("0"));
        QVERIFY(off != d);
    }

    void displayUrlRoundTrips_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("plain") << QStringLiteral("redis://h");
        QTest::newRow("ipv6 db") << QStringLiteral("redis://:pw@[::1]:6380/7");
        QTest::newRow("user") << QStringLiteral("redis://alice:pw@h:7/3");
        QTest::newRow("user, no pw") << QStringLiteral("redis://alice:@h");
        QTest::newRow("lone user-info is a password") << QStringLiteral("redis://pw@h");
        QTest::newRow("odd user") << QStringLiteral("redis://us%40er%3Ax%20y%FF:p%40ss@h");
        QTest::newRow("tls") << QStringLiteral("rediss://u:pw@h:6390/1");
        QTest::newRow("tls options")
            << QStringLiteral("rediss://h?cacert=/tmp/a%26b%3Dc%2Bd%20e.pem&insecure=1");
        QTest::newRow("timeout") << QStringLiteral("redis://h?timeout=250");
        QTest::newRow("health") << QStringLiteral("redis://h?health=2");
        QTest::newRow("health off") << QStringLiteral("redis://h?health=0");
        QTest::newRow("health 2.5") << QStringLiteral("unix:///tmp/s.sock?health=2.5");
        QTest::newRow("unix") << QStringLiteral("unix:///tmp/s.sock?db=2");
        QTest::newRow("unix user") << QStringLiteral("unix://bob:pw@/tmp/s.sock");
        QTest::newRow("unix odd path") << QStringLiteral("unix:///tmp/a%20b%3Fc%23d%25e%26f.sock");
    }

    void displayUrlRoundTrips()
    {
        // The display form parses back to the same settings, the password aside.
        QFETCH(QString, url);
        ConnectionSettings s = mustParse(url);
        const QByteArray password = s.password;
        s.password.clear();
        const QString shown = s.displayUrl();
        ConnectionSettings back;
        QString error;
        QVERIFY2(ConnectionSettings::parse(shown, &back, &error), qPrintable(shown + error));
        QVERIFY2(back == s, qPrintable(shown));
        QVERIFY(back.password.isEmpty());
        if (!password.isEmpty())
            QVERIFY2(!shown.contains(QString::fromLatin1(password.toPercentEncoding())),
                     qPrintable(shown));
        // The user is never read back as a password (redis-cli reads "alice:@" the same way).
        EnvGuard env("fromenv");
        const ConnectionSettings withEnv = mustParse(shown);
        QCOMPARE(withEnv.user, s.user);
        QCOMPARE(withEnv.password, QByteArray("fromenv"));
    }

    void fromUrlFallsBackToDefaults()
    {
        const ConnectionSettings s = ConnectionSettings::fromUrl(QStringLiteral("http://nope"));
        QVERIFY(s == ConnectionSettings());
        QCOMPARE(ConnectionSettings::fromUrl(QStringLiteral("redis://h:1")).port, quint16(1));
    }
};

QTEST_GUILESS_MAIN(TestConnectionSettings)
#include "tst_connectionsettings.moc"
