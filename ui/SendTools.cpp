#include "SendTools.h"

#include "ReplayDialog.h"
#include "SendBox.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QMenu>
#include <QToolButton>

namespace rqc {

QToolButton* SendTools::makeButton(SendBox* box)
{
    auto* button = new QToolButton(box);
    button->setObjectName(QStringLiteral("sendToolsButton"));
    button->setText(SendBox::tr("More"));
    button->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(button);
    menu->setObjectName(QStringLiteral("sendToolsMenu"));
    button->setMenu(menu);

    auto pickFile = [box](PayloadFile::Split split) {
        const QString path = QFileDialog::getOpenFileName(box, SendBox::tr("Send a file"));
        if (!path.isEmpty())
            box->sendFile(path, split);
    };
    QAction* whole = menu->addAction(SendBox::tr("Send a file as one message…"));
    whole->setObjectName(QStringLiteral("sendFileWholeAction"));
    QObject::connect(whole, &QAction::triggered, box,
                     [pickFile] { pickFile(PayloadFile::Split::Whole); });
    QAction* lines = menu->addAction(SendBox::tr("Send each line of a file as a message…"));
    lines->setObjectName(QStringLiteral("sendFileLinesAction"));
    QObject::connect(lines, &QAction::triggered, box,
                     [pickFile] { pickFile(PayloadFile::Split::Lines); });
    QAction* replay = menu->addAction(SendBox::tr("Replay a recording…"));
    replay->setObjectName(QStringLiteral("replayAction"));
    QObject::connect(replay, &QAction::triggered, box, [box] {
        auto* dialog = new ReplayDialog(box);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    menu->addSeparator();
    QAction* save = menu->addAction(SendBox::tr("Save the text as a snippet…"));
    save->setObjectName(QStringLiteral("saveSnippetAction"));
    QObject::connect(save, &QAction::triggered, box, [box] {
        if (!box->history())
            return;
        bool ok = false;
        const QString name =
            QInputDialog::getText(box, SendBox::tr("Save snippet"), SendBox::tr("Name:"),
                                  QLineEdit::Normal, QString(), &ok);
        if (ok && !name.trimmed().isEmpty())
            box->history()->setSnippet(name, QString::fromUtf8(box->messageBytes()));
    });
    QMenu* insert = menu->addMenu(SendBox::tr("Insert snippet"));
    insert->setObjectName(QStringLiteral("insertSnippetMenu"));
    QMenu* remove = menu->addMenu(SendBox::tr("Delete snippet"));
    remove->setObjectName(QStringLiteral("deleteSnippetMenu"));
    QObject::connect(menu, &QMenu::aboutToShow, box, [box, insert, remove] {
        insert->clear();
        remove->clear();
        const QStringList names = box->history() ? box->history()->snippetNames() : QStringList();
        for (const QString& name : names) {
            QObject::connect(insert->addAction(name), &QAction::triggered, box, [box, name] {
                box->setMessageText(box->history()->snippet(name));
                box->focusEntry();
            });
            QObject::connect(remove->addAction(name), &QAction::triggered, box,
                             [box, name] { box->history()->removeSnippet(name); });
        }
        insert->setEnabled(!names.isEmpty());
        remove->setEnabled(!names.isEmpty());
    });
    return button;
}

} // namespace rqc
