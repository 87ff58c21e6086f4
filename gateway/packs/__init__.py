"""Knowledge packs on the gateway: build from a site, sign, export, serve in chunks.

- :func:`gateway.packs.build.build_pack` / :func:`open_pack` / :func:`latest_pack`
- :func:`gateway.packs.signing.load_or_create_signing_key`, :func:`sign_manifest`
- :class:`gateway.packs.serve.PackServer` (one per gateway) and
  :class:`gateway.packs.serve.PackStream` (one per connection), :func:`serve_pack`
- :func:`gateway.packs.export.export_pack` (single file for air-gapped sites)
"""

from gateway.packs.build import BuiltPack, PackBuildError, build_pack, latest_pack, open_pack
from gateway.packs.config import PacksConfig
from gateway.packs.serve import PackServer, PackStream, StreamStats, serve_pack
from gateway.packs.signing import load_or_create_signing_key, public_key_hex, sign_manifest

__all__ = [
    "BuiltPack",
    "PackBuildError",
    "PackServer",
    "PackStream",
    "PacksConfig",
    "StreamStats",
    "build_pack",
    "latest_pack",
    "load_or_create_signing_key",
    "open_pack",
    "public_key_hex",
    "serve_pack",
    "sign_manifest",
]
