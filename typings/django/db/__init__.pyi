from typing import Any

from . import models as models
from . import transaction as transaction

def __getattr__(name: str) -> Any: ...
