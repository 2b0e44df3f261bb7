#include "PeekActionPrompt.h"

#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>

namespace rqc {

namespace {
// Asks a yes/no question; object name "peekConfirm" for tests.
bool confirm(QWidget* parent, const QString& title, const QString& text, const QString& yes)
{
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Cancel, parent);
    box.setObjectName(QStringLiteral("peekConfirm"));
    QPushButton* ok = box.addButton(yes, QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == ok;
}
} // namespace

bool PeekActionPrompt::confirmAction(QWidget* parent, PeekAction action, const QByteArray& target,
                                     const QString& element, const QByteArray& id,
                                     QByteArray* destination)
{
    const QString key = QString::fromUtf8(target);
    const QString safety = tr("It runs as one script that first checks the element is still "
                              "there; if it moved or was taken meanwhile, nothing changes.");
    QString title;
    QString text;
    QString yes;
    switch (action) {
    case PeekAction::Delete:
        title = tr("Delete element");
        text = tr("Delete %1 from %2? Only this element is removed, even if others are equal. "
                  "Consumers will never get it.")
                   .arg(element, key);
        yes = tr("Delete");
        break;
    case PeekAction::MoveTo: {
        bool ok = false;
        const QString name =
            QInputDialog::getText(parent, tr("Move element"), tr("Move to list (LPUSH):"),
                                  QLineEdit::Normal, key + QStringLiteral(":moved"), &ok);
        if (!ok || name.trimmed().isEmpty())
            return false;
        *destination = name.trimmed().toUtf8();
        title = tr("Move element");
        text = tr("Move %1 from %2 to the list %3 (removed here, LPUSHed there)?")
                   .arg(element, key, QString::fromUtf8(*destination));
        yes = tr("Move");
        break;
    }
    case PeekAction::Requeue:
        title = tr("Requeue a copy");
        text = tr("Push a copy of %1 to the consuming end of %2 (RPUSH)? It will be the next "
                  "element BRPOP consumers take; the original stays where it is.")
                   .arg(element, key);
        yes = tr("Requeue");
        break;
    case PeekAction::DeadLetter:
        *destination = target + ":dead";
        title = tr("Move to dead list");
        text = tr("Move %1 from %2 to the dead list %3 (removed here, LPUSHed there)?")
                   .arg(element, key, QString::fromUtf8(*destination));
        yes = tr("Move to dead list");
        break;
    case PeekAction::XDel:
        title = tr("Delete entry");
        text = tr("Delete entry %1 from the stream %2 (XDEL)? Consumer groups that have not "
                  "read it will never get it; pending references to it stay in their PEL.")
                   .arg(QString::fromUtf8(id), key);
        yes = tr("Delete");
        break;
    case PeekAction::EnableNotifications:
        return false;
    }
    if (action != PeekAction::XDel)
        text += QLatin1Char(' ') + safety;
    return confirm(parent, title, text, yes);
}

bool PeekActionPrompt::confirmNotifications(QWidget* parent)
{
    const QString text =
        tr("Turn on keyspace notifications on this server?\n\nThis runs CONFIG SET "
           "notify-keyspace-events, adding K (keyspace channel) and l (list events; t for "
           "streams) to what is set now. It changes the server for every client: from then on, "
           "every write to every list publishes a notification, which costs the server a little "
           "on each write, and clients subscribed to notifications start receiving them. It stays "
           "on until someone changes it back (and is lost on restart unless written to the "
           "configuration file).");
    return confirm(parent, tr("Turn on notifications"), text, tr("Turn on"));
}

} // namespace rqc
