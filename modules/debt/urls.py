app_name = "debt"

urlpatterns: list = []
