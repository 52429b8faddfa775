"""Pages of the virtual agency (/agencia/) and of totem mode (/totem/): the same views, two URL
namespaces (portal/urls.py). `base` holds what every page shares; each other module is one part of
the agency. The staff's desk pages are portal/views_desk.py."""
