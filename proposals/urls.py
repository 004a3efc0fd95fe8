app_name = "proposals"

urlpatterns = []
