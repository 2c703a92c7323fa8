"""Attachments: upload on a row one may change, download only through the row's scope,
type and size limits, removal."""

import io

import sqlalchemy as sa

from app.common.models import Attachment

from . import factories as f
from .conftest import text


def _upload(client, key, row_id, name, data):
    return client.post_form(
        f"/attachments/{key}/{row_id}/upload",
        {"file": (io.BytesIO(data), name)},
        form_url=f"/{key}/show/{row_id}",
        content_type="multipart/form-data",
    )


def _files(db, key, row_id):
    db.session.expire_all()
    return list(
        db.session.execute(
            sa.select(Attachment).where(
                Attachment.register_key == key, Attachment.row_id == row_id, Attachment.is_deleted.is_(False)
            )
        ).scalars()
    )


def test_upload_show_and_download_within_scope(db, clients):
    m = f.meeting("荷花社区", "附件测试会", chair="sq1", created_by="sq1")
    sq1 = clients("sq1")
    assert _upload(sq1, "meeting", m.id, "会议纪要.pdf", b"%PDF-1.4 minutes").status_code == 302
    [att] = _files(db, "meeting", m.id)
    assert att.org_unit_id == m.org_unit_id and att.created_by.username == "sq1"
    page = text(sq1.get(f"/meeting/show/{m.id}"))
    assert "会议纪要.pdf" in page
    r = sq1.get(f"/attachments/file/{att.id}")
    assert r.status_code == 200 and r.data == b"%PDF-1.4 minutes"
    # another community cannot fetch it by id
    assert clients("sq2").get(f"/attachments/file/{att.id}").status_code == 404
    # a reader without write rights sees the file but no upload form
    assert "会议纪要.pdf" in text(clients("leader").get(f"/meeting/show/{m.id}"))


def test_bad_types_sizes_and_scope_are_refused(db, app, clients):
    m = f.meeting("荷花社区", "附件限制测试会", chair="sq1", created_by="sq1")
    sq1 = clients("sq1")
    r = _upload(sq1, "meeting", m.id, "virus.exe", b"MZ")
    assert r.status_code == 302 and not _files(db, "meeting", m.id)
    assert "不允许上传此类型的文件" in text(sq1.get(f"/meeting/show/{m.id}"))
    big = b"x" * (app.config["ATTACHMENT_MAX_BYTES"] + 1)
    _upload(sq1, "meeting", m.id, "big.pdf", big)
    assert not _files(db, "meeting", m.id)
    # sq2 cannot attach to a row outside their community
    assert _upload(clients("sq2"), "meeting", m.id, "x.pdf", b"%PDF").status_code == 404
    # an auditor may not attach at all
    assert _upload(clients("audit"), "meeting", m.id, "x.pdf", b"%PDF").status_code == 403


def test_remove_is_soft_and_audited(db, clients):
    m = f.meeting("荷花社区", "附件删除测试会", chair="sq1", created_by="sq1")
    sq1 = clients("sq1")
    _upload(sq1, "meeting", m.id, "photo.jpg", b"\xff\xd8\xff jpeg")
    [att] = _files(db, "meeting", m.id)
    r = sq1.post_form(f"/attachments/remove/{att.id}", {}, form_url=f"/meeting/show/{m.id}")
    assert r.status_code == 302 and not _files(db, "meeting", m.id)
    assert sq1.get(f"/attachments/file/{att.id}").status_code == 404
