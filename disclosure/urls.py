from django.urls import path

from disclosure import feeds, views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide_index, name="guide_index"),
    path("guide/<slug:slug>/", views.guide, name="guide"),
    path("rules/", views.rules_index, name="rules_index"),
    path("rules/<slug:slug>/", views.rules, name="rules"),
    path("catalog/", views.item_list, name="item_list"),
    path("catalog/feed/", feeds.catalog_feed, name="feed"),
    path("catalog/feed/help/", feeds.feed_help, name="feed_help"),
    path("catalog/agency/<slug:slug>/", views.item_list, name="agency_items"),
    path("catalog/agency/<slug:slug>/feed/", feeds.catalog_feed, name="agency_feed"),
    path("catalog/agency/<slug:slug>/feed/help/", feeds.feed_help, name="agency_feed_help"),
    # The catalog tree's nodes: one address each, bookmarkable and cached like the list.
    path("catalog/category/<slug:category>/", views.item_list, name="category_items"),
    path("catalog/topic/<int:topic>/", views.item_list, name="topic_items"),
    path(
        "catalog/agency/<slug:slug>/category/<slug:category>/",
        views.item_list,
        name="agency_category",
    ),
    path("catalog/agency/<slug:slug>/topic/<int:topic>/", views.item_list, name="agency_topic"),
    path("catalog/<int:pk>/", views.item_detail, name="item_detail"),
    path("catalog/<int:pk>/attachments/<int:attachment>/", views.attachment, name="attachment"),
    path("api/items/", views.api_items, name="api_items"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap_section"),
]
