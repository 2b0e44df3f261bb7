// Connection profiles: URL <-> profile mapping, and the QSettings store that never holds a secret.
#include "ConnectionProfile.h"
#include "ConnectionStore.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rqc;

class TestConnectionProfile : public QObject {
    Q_OBJECT
private slots:
    void init() { qunsetenv("REDISCLI_AUTH"); }

    void fromUrlSplitsThePasswordOff()
    {
        ConnectionProfile p;
        QByteArray password;
        QString error;
        QVERIFY2(
            ConnectionProfile::fromUrl(QStringLiteral("redis://alice:s3cr%40t@db.example:6380/2"),
                                       &p, &password, &error),
            qPrintable(error));
        QCOMPARE(password, QByteArray("s3cr@t"));
        QVERIFY(p.server.password.isEmpty());
        QCOMPARE(p.server.host, QStringLiteral("db.example"));
        QCOMPARE(p.server.port, quint16(6380));
        QCOMPARE(p.server.db, 2);
        QCOMPARE(p.server.user, QByteArray("alice"));
        QCOMPARE(p.name, QStringLiteral("db.example:6380"));
        QVERIFY(!p.url().contains(QLatin1String("s3cr")));
        QCOMPARE(p.settings(password).password, QByteArray("s3cr@t"));
    }

    void fromUrlKeepsAGivenName()
    {
        ConnectionProfile p;
        p.name = QStringLiteral("orders");
        QVERIFY(ConnectionProfile::fromUrl(QStringLiteral("redis://h:1/0"), &p, nullptr, nullptr));
        QCOMPARE(p.name, QStringLiteral("orders"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("tcp") << QStringLiteral("redis://127.0.0.1:6379/0");
        QTest::newRow("user") << QStringLiteral("redis://bob:@h.example:7000/5");
        QTest::newRow("tls") << QStringLiteral(
            "rediss://h:6390/1?cacert=/etc/ca.pem&cert=/home/u/c.pem&key=/home/u/k%20ey.pem"
            "&insecure=1&timeout=1500");
        QTest::newRow("unix") << QStringLiteral("unix:///tmp/redis%20x.sock?db=3");
        QTest::newRow("ipv6") << QStringLiteral("redis://[::1]:6380/0");
    }
    void roundTrip()
    {
        QFETCH(QString, url);
        ConnectionProfile p;
        QString error;
        QVERIFY2(ConnectionProfile::fromUrl(url, &p, nullptr, &error), qPrintable(error));
        ConnectionProfile again;
        QVERIFY2(ConnectionProfile::fromUrl(p.url(), &again, nullptr, &error), qPrintable(error));
        QCOMPARE(again.server, p.server);
    }

    void tlsClientFilesParsed()
    {
        ConnectionProfile p;
        QVERIFY(ConnectionProfile::fromUrl(
            QStringLiteral("rediss://h:1/0?cert=/c.pem&key=/k.pem&cacert=/ca.pem"), &p, nullptr,
            nullptr));
        QCOMPARE(p.server.transport, ConnectionSettings::Transport::Tls);
        QCOMPARE(p.server.clientCertFile, QStringLiteral("/c.pem"));
        QCOMPARE(p.server.clientKeyFile, QStringLiteral("/k.pem"));
        QCOMPARE(p.server.caCertFile, QStringLiteral("/ca.pem"));
    }

    void urlWithPasswordParsesBack_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("no user") << QStringLiteral("redis://:p%3Aw%40d@h:1/0");
        QTest::newRow("user") << QStringLiteral("redis://al%3Aice:p%20w@h:1/4");
        QTest::newRow("unix") << QStringLiteral("unix://:pw@/tmp/r.sock?db=2");
    }
    void urlWithPasswordParsesBack()
    {
        QFETCH(QString, url);
        ConnectionProfile p;
        QByteArray password;
        QVERIFY(ConnectionProfile::fromUrl(url, &p, &password, nullptr));
        QVERIFY(!password.isEmpty());
        ConnectionSettings back;
        QString error;
        QVERIFY2(ConnectionSettings::parse(p.urlWithPassword(password), &back, &error),
                 qPrintable(p.urlWithPassword(password) + QLatin1Char(' ') + error));
        QCOMPARE(back, p.settings(password));
    }

    void fromUrlRefusesWhatItCannotParse()
    {
        ConnectionProfile p;
        QString error;
        QVERIFY(!ConnectionProfile::fromUrl(QStringLiteral("http://h"), &p, nullptr, &error));
        QVERIFY(error.contains(QLatin1String("http")));
    }

    void storeKeepsProfilesWithoutPasswords()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("settings.ini"));
        const QByteArray secret = "Very-Secret-Pw-123";
        QString savedId;
        {
            QSettings settings(path, QSettings::IniFormat);
            ConnectionStore store(&settings);
            QSignalSpy changed(&store, &ConnectionStore::changed);
            ConnectionProfile p;
            QByteArray password;
            QVERIFY(ConnectionProfile::fromUrl(
                QStringLiteral("rediss://alice:%1@prod.example:6390/3?cacert=/ca.pem&timeout=2000")
                    .arg(QString::fromLatin1(secret)),
                &p, &password, nullptr));
            QCOMPARE(password, secret);
            p.name = QStringLiteral("orders");
            p.label = QStringLiteral("production");
            p.color = QStringLiteral("#d32f2f");
            // Even a profile that carries a password by mistake is saved without it.
            ConnectionProfile careless = p;
            careless.server.password = secret;
            const ConnectionProfile saved = store.save(careless);
            QVERIFY(!saved.id.isEmpty());
            savedId = saved.id;
            QCOMPARE(changed.count(), 1);
            ConnectionProfile second;
            QVERIFY(ConnectionProfile::fromUrl(QStringLiteral("unix:///tmp/a.sock?db=1"), &second,
                                               nullptr, nullptr));
            second.name = QStringLiteral("A local one");
            store.save(second);
            store.setLastUsed(saved.id);

            const QList<ConnectionProfile> all = store.profiles();
            QCOMPARE(all.size(), 2);
            QCOMPARE(all.at(0).name, QStringLiteral("A local one")); // sorted by name
            QCOMPARE(all.at(1).name, QStringLiteral("orders"));
            p.id = saved.id;
            QCOMPARE(all.at(1), p);
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray ini = file.readAll();
        QVERIFY(ini.contains("prod.example"));            // the profile is in this file…
        QVERIFY2(!ini.contains(secret), ini.constData()); // …its password is not
        QVERIFY(!ini.contains("Very-Secret"));

        // Read again by a new store, with REDISCLI_AUTH set: a stored profile never takes it.
        qputenv("REDISCLI_AUTH", "from-the-environment");
        QSettings settings(path, QSettings::IniFormat);
        ConnectionStore store(&settings);
        QCOMPARE(store.lastUsed(), savedId);
        const ConnectionProfile back = store.profile(savedId);
        QCOMPARE(back.name, QStringLiteral("orders"));
        QCOMPARE(back.label, QStringLiteral("production"));
        QCOMPARE(back.color, QStringLiteral("#d32f2f"));
        QCOMPARE(back.server.port, quint16(6390));
        QCOMPARE(back.server.caCertFile, QStringLiteral("/ca.pem"));
        QCOMPARE(back.server.connectTimeoutMs, 2000);
        QVERIFY(back.server.password.isEmpty());
        QCOMPARE(back.secretKey(), QStringLiteral("connection/%1/password").arg(savedId));

        store.remove(savedId);
        QVERIFY(!store.contains(savedId));
        QVERIFY(store.lastUsed().isEmpty());
        QCOMPARE(store.profiles().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestConnectionProfile)
#include "tst_connectionprofile.moc"
