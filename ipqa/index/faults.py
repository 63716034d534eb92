"""Writing an index can fail for reasons outside ipqa: the disk fills up, the folder is read-only or not ours.
A build then stops with one sentence a person can act on (in Chinese), the details go to the log, and the
previous index is left as it was (a build writes a temporary folder and swaps it in only when complete)."""

from __future__ import annotations

import errno
import logging
import re
from pathlib import Path

log = logging.getLogger(__name__)

# numpy's tofile reports a short write without an errno: "OSError: 42565 requested and 19424 written".
_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written")
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DENIED = {errno.EROFS, errno.EACCES, errno.EPERM}


class IndexWriteError(OSError):
    """The index could not be written; ``str(exc)`` is one Chinese sentence saying why and what to do. An OSError
    still, so callers that catch those keep working."""

    def __init__(self, sentence: str, code: int | None = None):
        super().__init__(code, sentence)
        self.sentence = sentence

    def __str__(self) -> str:
        return self.sentence


def write_error(exc: OSError, index_dir: Path) -> IndexWriteError:
    """The sentence for an OSError raised while a build wrote ``index_dir``; the error itself is logged."""
    log.info("writing the index %s failed: %r", index_dir, exc)  # shown with ipqa -v
    kept = "原有索引保持不变"
    if exc.errno in _FULL or _SHORT_WRITE.search(str(exc)):
        said = f"磁盘空间不足，索引未能写完（{index_dir}），{kept}；请腾出空间后重新运行 ipqa build。"
    elif exc.errno in _DENIED:
        said = f"索引文件夹 {index_dir} 不可写（只读或没有权限），{kept}；请换一个可写的 --index 文件夹。"
    else:
        said = f"写入索引 {index_dir} 时出错（{exc.strerror or exc or type(exc).__name__}），{kept}。"
    return IndexWriteError(said, exc.errno)
