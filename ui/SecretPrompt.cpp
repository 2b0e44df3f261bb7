#include "SecretPrompt.h"

#include "PasswordVault.h"

#include <QCoreApplication>
#include <QFile>
#include <QInputDialog>
#include <QLineEdit>
#include <QPointer>

#include <memory>

namespace rqc::SecretPrompt {

namespace {

struct Question {
    QString objectName;
    QString title;
    QString label;
    QString secretKey;
    QByteArray ConnectionSettings::*field;
};

void askNext(QPointer<QWidget> parent, PasswordVault* vault,
             std::shared_ptr<QList<Question>> questions, ConnectionProfile profile,
             QPointer<QObject> context, std::function<void(const ConnectionProfile&)> done)
{
    if (!context)
        return;
    if (questions->isEmpty()) {
        done(profile);
        return;
    }
    const Question q = questions->takeFirst();
    auto* prompt = new QInputDialog(parent);
    prompt->setObjectName(q.objectName);
    prompt->setAttribute(Qt::WA_DeleteOnClose);
    prompt->setWindowTitle(q.title);
    prompt->setLabelText(q.label);
    prompt->setTextEchoMode(QLineEdit::Password);
    const auto go = [=](const QByteArray& typed) {
        if (!typed.isEmpty())
            vault->keepInMemory(q.secretKey, typed);
        ConnectionProfile next = profile;
        next.server.*(q.field) = typed;
        askNext(parent, vault, questions, next, context, done);
    };
    QObject::connect(prompt, &QInputDialog::textValueSelected, prompt,
                     [go](const QString& text) { go(text.toUtf8()); });
    QObject::connect(prompt, &QInputDialog::rejected, prompt, [go] { go(QByteArray()); });
    prompt->open();
}

} // namespace

bool keyIsEncrypted(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray pem = f.read(64 * 1024);
    return pem.contains("ENCRYPTED");
}

void askRest(QWidget* parent, PasswordVault* vault, const ConnectionProfile& profile,
             QObject* context, std::function<void(const ConnectionProfile&)> done)
{
    auto questions = std::make_shared<QList<Question>>();
    const QString name = profile.title();
    if (profile.server.isSentinel() && profile.server.sentinelPassword.isEmpty())
        questions->append(
            {QStringLiteral("sentinelPasswordPrompt"),
             QCoreApplication::translate("rqc::SecretPrompt", "Sentinel password for %1").arg(name),
             QCoreApplication::translate(
                 "rqc::SecretPrompt",
                 "The Sentinels of %1 may want a password of their own (their requirepass). It is "
                 "kept in memory only, until the console quits.\nSentinel password (empty for "
                 "none):")
                 .arg(name),
             profile.sentinelSecretKey(), &ConnectionSettings::sentinelPassword});
    if (!profile.server.clientKeyFile.isEmpty() && profile.server.clientKeyPassphrase.isEmpty() &&
        keyIsEncrypted(profile.server.clientKeyFile))
        questions->append(
            {QStringLiteral("keyPassphrasePrompt"),
             QCoreApplication::translate("rqc::SecretPrompt", "Key passphrase for %1").arg(name),
             QCoreApplication::translate(
                 "rqc::SecretPrompt",
                 "The client key %1 is encrypted. Its passphrase is kept in memory only, until "
                 "the console quits.\nPassphrase:")
                 .arg(profile.server.clientKeyFile),
             profile.keyPassphraseSecretKey(), &ConnectionSettings::clientKeyPassphrase});
    askNext(parent, vault, questions, profile, context, std::move(done));
}

} // namespace rqc::SecretPrompt
