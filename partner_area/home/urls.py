from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/figures/", views.home_figures_block, name="home_figures"),
]
