// Importing redis-cli users' connections: a pasted redis-cli command line (every option the
// console uses, shell quoting, what it ignores and what it refuses to run), and REDIS_URL /
// REDISCLI_AUTH from the environment. The password never lands in the profile.
#include "RedisCliImport.h"

#include <QTest>

using namespace rqc;

class TestRedisCliImport : public QObject {
    Q_OBJECT
private slots:
    void init() { qunsetenv("REDISCLI_AUTH"); }

    void plainTcpWithPasswordUserAndDb()
    {
        RedisCliImport::Result r;
        QString error;
        QVERIFY2(RedisCliImport::parseCommand(
                     QStringLiteral("redis-cli -h cache.example.org -p 6380 -a 's3cr et' "
                                    "--user alice -n 3"),
                     QProcessEnvironment(), &r, &error),
                 qPrintable(error));
        QCOMPARE(r.profile.server.host, QStringLiteral("cache.example.org"));
        QCOMPARE(r.profile.server.port, quint16(6380));
        QCOMPARE(r.profile.server.user, QByteArray("alice"));
        QCOMPARE(r.profile.server.db, 3);
        QCOMPARE(r.password, QByteArray("s3cr et"));
        QVERIFY(r.profile.server.password.isEmpty());
        QVERIFY(r.profile.url().indexOf(QLatin1String("s3cr")) < 0);
        QCOMPARE(r.profile.server.transport, ConnectionSettings::Transport::Tcp);
        QVERIFY(r.ignored.isEmpty());
    }

    void tlsFilesAndIgnoredOptions()
    {
        RedisCliImport::Result r;
        QString error;
        QVERIFY2(RedisCliImport::parseCommand(
                     QStringLiteral("/usr/bin/redis-cli --tls --cacert /etc/ca.pem --cert "
                                    "\"/home/me/my cert.pem\" --key /home/me/key.pem --sni "
                                    "redis.internal -h 10.0.0.5 --pass pw PING"),
                     QProcessEnvironment(), &r, &error),
                 qPrintable(error));
        QCOMPARE(r.profile.server.transport, ConnectionSettings::Transport::Tls);
        QCOMPARE(r.profile.server.caCertFile, QStringLiteral("/etc/ca.pem"));
        QCOMPARE(r.profile.server.clientCertFile, QStringLiteral("/home/me/my cert.pem"));
        QCOMPARE(r.profile.server.clientKeyFile, QStringLiteral("/home/me/key.pem"));
        QCOMPARE(r.profile.server.host, QStringLiteral("10.0.0.5"));
        QCOMPARE(r.password, QByteArray("pw"));
        QCOMPARE(r.ignored,
                 QStringList({QStringLiteral("--sni redis.internal"), QStringLiteral("PING")}));
    }

    void urlAndSocket()
    {
        RedisCliImport::Result r;
        QString error;
        QVERIFY(
            RedisCliImport::parseCommand(QStringLiteral("-u redis://bob:fromurl@127.0.0.1:7000/2"),
                                         QProcessEnvironment(), &r, &error));
        QCOMPARE(r.profile.server.port, quint16(7000));
        QCOMPARE(r.profile.server.db, 2);
        QCOMPARE(r.profile.server.user, QByteArray("bob"));
        QCOMPARE(r.password, QByteArray("fromurl"));
        // -a beats the URL's password, as in redis-cli.
        QVERIFY(RedisCliImport::parseCommand(
            QStringLiteral("redis-cli -a given -u redis://:fromurl@127.0.0.1:7000"),
            QProcessEnvironment(), &r, &error));
        QCOMPARE(r.password, QByteArray("given"));

        QVERIFY(RedisCliImport::parseCommand(QStringLiteral("redis-cli -s /tmp/redis.sock -n 1"),
                                             QProcessEnvironment(), &r, &error));
        QCOMPARE(r.profile.server.transport, ConnectionSettings::Transport::Unix);
        QCOMPARE(r.profile.server.socketPath, QStringLiteral("/tmp/redis.sock"));
        QCOMPARE(r.profile.server.db, 1);
    }

    void rediscliAuthWhenNoPasswordGiven()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("REDISCLI_AUTH"), QStringLiteral("from-env"));
        RedisCliImport::Result r;
        QString error;
        QVERIFY(RedisCliImport::parseCommand(QStringLiteral("redis-cli -p 6390"), env, &r, &error));
        QCOMPARE(r.password, QByteArray("from-env"));
        QVERIFY(RedisCliImport::parseCommand(QStringLiteral("redis-cli -p 6390 -a mine"), env, &r,
                                             &error));
        QCOMPARE(r.password, QByteArray("mine"));
    }

    void refusesWhatItWouldHaveToRun()
    {
        RedisCliImport::Result r;
        QString error;
        QVERIFY(
            !RedisCliImport::parseCommand(QStringLiteral("redis-cli -p 6390 -a \"$(cat /run/pw)\""),
                                          QProcessEnvironment(), &r, &error));
        QVERIFY2(error.contains(QLatin1String("does not run it")), qPrintable(error));
        QVERIFY(!RedisCliImport::parseCommand(QStringLiteral("redis-cli -a $PW"),
                                              QProcessEnvironment(), &r, &error));
        QVERIFY(!RedisCliImport::parseCommand(QStringLiteral("redis-cli -a 'open"),
                                              QProcessEnvironment(), &r, &error));
        QVERIFY(!RedisCliImport::parseCommand(QStringLiteral("redis-cli -p 99999"),
                                              QProcessEnvironment(), &r, &error));
        QVERIFY(!RedisCliImport::parseCommand(QStringLiteral("redis-cli -h"), QProcessEnvironment(),
                                              &r, &error));
    }

    void looksLikeCommand()
    {
        QVERIFY(RedisCliImport::looksLikeCommand(QStringLiteral("  redis-cli -p 1")));
        QVERIFY(RedisCliImport::looksLikeCommand(QStringLiteral("-h host")));
        QVERIFY(!RedisCliImport::looksLikeCommand(QStringLiteral("redis://127.0.0.1")));
    }

    void masksPasswords()
    {
        const QString b(QChar(0x2022));
        QCOMPARE(RedisCliImport::maskPassword(QStringLiteral("redis://:s3cret@127.0.0.1:6390/2")),
                 QStringLiteral("redis://:") + b.repeated(6) + QStringLiteral("@127.0.0.1:6390/2"));
        QCOMPARE(RedisCliImport::maskPassword(QStringLiteral("rediss://bob:pw@h")),
                 QStringLiteral("rediss://bob:") + b.repeated(2) + QStringLiteral("@h"));
        QCOMPARE(RedisCliImport::maskPassword(QStringLiteral("redis://pw@h")),
                 QStringLiteral("redis://") + b.repeated(2) + QStringLiteral("@h"));
        QCOMPARE(RedisCliImport::maskPassword(QStringLiteral("redis://127.0.0.1:6379")),
                 QStringLiteral("redis://127.0.0.1:6379"));
        QCOMPARE(RedisCliImport::maskPassword(QStringLiteral("redis-cli -p 1 -a 'x y' --user u")),
                 QStringLiteral("redis-cli -p 1 -a ") + b.repeated(5) +
                     QStringLiteral(" --user u"));
        QVERIFY(RedisCliImport::isMask((b + b).toUtf8()));
        QVERIFY(!RedisCliImport::isMask("pw"));
        QVERIFY(!RedisCliImport::isMask(QByteArray()));
        // A masked URL parses with the bullets as its password: the caller keeps the real one.
        ConnectionProfile p;
        QByteArray password;
        QVERIFY(ConnectionProfile::fromUrl(
            RedisCliImport::maskPassword(QStringLiteral("redis://:s3cret@127.0.0.1:6390")), &p,
            &password, nullptr));
        QVERIFY(RedisCliImport::isMask(password));
    }

    void fromEnvironment()
    {
        RedisCliImport::Result r;
        QString error;
        QVERIFY(!RedisCliImport::fromEnvironment(QProcessEnvironment(), &r, &error));
        QVERIFY(error.contains(QLatin1String("REDISCLI_AUTH")));

        QProcessEnvironment env;
        env.insert(QStringLiteral("REDISCLI_AUTH"), QStringLiteral("envpw"));
        QVERIFY(RedisCliImport::fromEnvironment(env, &r, &error));
        QCOMPARE(r.profile.server.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(r.profile.server.port, quint16(6379));
        QCOMPARE(r.password, QByteArray("envpw"));

        env.insert(QStringLiteral("REDIS_URL"), QStringLiteral("rediss://q.example.org:6390/4"));
        QVERIFY(RedisCliImport::fromEnvironment(env, &r, &error));
        QCOMPARE(r.profile.server.transport, ConnectionSettings::Transport::Tls);
        QCOMPARE(r.profile.server.host, QStringLiteral("q.example.org"));
        QCOMPARE(r.profile.server.db, 4);
        QCOMPARE(r.password, QByteArray("envpw"));
        QVERIFY(r.profile.server.password.isEmpty());

        env.insert(QStringLiteral("REDIS_URL"), QStringLiteral("redis://:urlpw@q.example.org"));
        QVERIFY(RedisCliImport::fromEnvironment(env, &r, &error));
        QCOMPARE(r.password, QByteArray("urlpw"));
    }
};

QTEST_GUILESS_MAIN(TestRedisCliImport)
#include "tst_rediscliimport.moc"
