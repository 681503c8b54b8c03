from PySide6.QtGui import QStandardItem, QStandardItemModel

from kesos_desktop.ui.widgets.table_view import DataTable


def _table(qtbot, name: str) -> tuple[DataTable, QStandardItemModel]:
    model = QStandardItemModel(0, 3)
    model.setHorizontalHeaderLabels(["Nama pengguna", "Catatan", "Terakhir masuk"])
    table = DataTable(name)
    qtbot.addWidget(table)
    table.set_source_model(model)
    table.resize(900, 300)
    table.show()
    return table, model


def test_first_rows_size_the_columns_and_a_long_one_is_capped(qtbot):
    table, model = _table(qtbot, "fit_test")
    header = table.horizontalHeader()
    default = header.sectionSize(0)
    model.appendRow([QStandardItem("konselor.dengan.nama.panjang"), QStandardItem("sangat panjang " * 40),
                     QStandardItem("07/12/2026 02:13")])
    assert header.sectionSize(0) > default  # the user name is no longer cut off
    assert header.sectionSize(1) == DataTable.MAX_FITTED_WIDTH


def test_a_layout_the_user_saved_is_kept(qtbot):
    table, model = _table(qtbot, "kept_test")
    table.horizontalHeader().resizeSection(0, 250)
    table.save_layout()
    again, model2 = _table(qtbot, "kept_test")
    model2.appendRow([QStandardItem("a"), QStandardItem("b"), QStandardItem("c")])
    assert again.horizontalHeader().sectionSize(0) == 250
